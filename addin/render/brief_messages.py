"""The brief's own words in English and Japanese: its page labels and component names.

What the brief says for a message code is the shared catalogue, :mod:`addin.messages`,
which the UDFs use too.  No label names an internal identifier: a basis is said in words
(:func:`addin.messages.basis_words`), amounts as money.
"""

from __future__ import annotations

__all__ = ["LABELS", "COMPONENTS"]

LABELS = {
    "en": {
        "title": "Negotiation brief",
        "private": "PRIVATE: for you only. Never send this page.",
        "basis": "Each offer is valued {basis}, in {ccy} (as of {date}).",
        "calendar": "After tax on the calendar from {date}: each offer from its start date (blank: "
        "the first of the next month), its pay taxed by the tax year it falls in.",
        "target": "Income target: {v} a year.",
        "walk_all": "Your walk-away (Strategy sheet): {v}, {basis}.",
        "walk_none": "Your walk-away: not set on the Strategy sheet.",
        "forfeit": "Leaving your current job on {date} forfeits {net} after tax ({gross} before tax: "
        "{equity} of unvested equity, {bonus} of bonus). Every offer below says the sign-on that "
        "makes it whole.",
        "whole": "Make-whole sign-on: about {v} more (gross) replaces what leaving forfeits, after tax.",
        "whole_transfer": "Make-whole sign-on: about {v} more (gross) replaces the bonus leaving "
        "forfeits, after tax; as a transfer your grants keep vesting.",
        "whole_none": "Make-whole sign-on: {why}.",
        "start": "Start date: starting on {best} instead of {ref} is worth about {v} more after tax{why}.",
        "start_kept": "; by then your current job has paid its {events}",
        "start_lost": "; it gives up your current job's {events}",
        "start_worse": "Start date: no start of the next twelve months takes home more than staying in "
        "your current job; the least loss is starting on {best}, about {v} less after tax.",
        "start_same": "Start date: {ref} is the best of the next twelve months' starts, against staying "
        "in your current job.",
        "start_none": "Start date: {why}.",
        "start_span": " (Starts weighed: {first} to {last}; check your notice period.)",
        "start_year": " It also moves your last day at the current job from its tax year {a} into {b}"
        " (leaving the country, {b} becomes the year of departure).",
        "start_year_home": " It also moves your last day at the current job from its tax year {a} into {b}.",
        "event_vest": "vest of {d}",
        "event_bonus": "bonus of {d}",
        "and": " and ",
        "market": "Market evidence",
        "tc": "Offer TC (base + yearly stock + target bonus): {v}",
        "pct": "Stands at percentile {p:.0f} of {n} comparable rows in {city}{level}.",
        "level": ", level {level}",
        "band": "Band: p25 {p25}, p50 {p50}, p75 {p75}, p90 {p90} (Excel's PERCENTILE.INC; "
        "rows dated {median} at the median, {newest} at the latest).",
        "undated": "undated",
        "nomarket": "No usable market band: {why}.",
        "warn": "Warning: {w}.",
        "leverage": "Leverage you may cite (offers that beat this one, strongest first)",
        "cite": "{who}: TC {tc} a year{also}; worth {home} to you ({basis}).",
        "cite_also": " (about {v})",
        "cite_anon": "Another offer: TC about {tc} a year; worth {home} to you ({basis}).",
        "nolev": "No offer you may cite beats this one (your disclosure choices on the Strategy sheet).",
        "ask": "The ask",
        "ask_line": "Ask for: TC {tc} (base {base}).",
        "ask_held": "Ask for: hold at the offer, TC {tc} (base {base}).",
        "backed_market": "Backed by: the market's p75 to p90 for {n} comparable rows, with your "
        "{premium} % scarcity premium: {low} to {high}.",
        "backed_offer": "Backed by: no usable market band, so the offer itself with your {premium} % "
        "scarcity premium, {low}; offers that beat it lift that at most to {high}, {most} % above "
        "the offer.",
        "lifted": "The offers above that beat this one lift the ask towards the top of that range.",
        "to_beat": "What beating your best alternative would take: TC {tc} (a base raise of about {raise_}).",
        "to_beat_won": "What beating your best alternative would take: nothing, this offer already "
        "beats it as it stands.",
        "to_beat_none": "What beating your best alternative would take: no realistic base raise does it.",
        "walk": "Walk away below {v} ({basis}): your own number, from the Strategy sheet.",
        "walk_unset": "Walk away: no walk-away is set on the Strategy sheet.",
        "best": "Best alternative: {name}, worth {v} ({basis}).",
        "current_job": "current job",
        "value": "This offer as it stands: {v}; at the ask: {at} ({basis}).",
        "counters": "What one component alone would take (to beat your best alternative by {m})",
        "counters_bare": "What one component alone would take (to beat your best alternative)",
        "already": "nothing: this offer already beats it",
        "raise": "about {v} more",
        "bonus": "a yearly target bonus about {v} larger",
        "impact": "Impact talking points",
        "worth": "worth {v} a year",
        "deadline": "Deadline {d}.",
        "timeline": "Timeline",
        "days": "{d} days left",
    },
    "ja": {
        "title": "交渉ブリーフ",
        "private": "非公開：本人用。このページは送らないこと。",
        "basis": "各オファーの価値は{basis}、{ccy} で比較（{date} 時点）。",
        "calendar": "税引後の値は {date} からの暦に沿って計算：各オファーは開始日（空欄なら翌月1日）から、"
        "給与はその支払日の属する税年度で課税。",
        "target": "年収目標：{v}。",
        "walk_all": "あなたの辞退ライン（Strategy シート）：{v}（{basis}）。",
        "walk_none": "辞退ライン：Strategy シートに設定されていません。",
        "forfeit": "現在の職を {date} に辞めると、税引後 {net} を失います（税引前 {gross}：未確定の株式 "
        "{equity}、賞与 {bonus}）。各オファーに、それを埋め合わせるサインオンボーナスを示します。",
        "whole": "埋め合わせのサインオンボーナス：約 {v}（税引前）の上乗せで、失う額を税引後で補えます。",
        "whole_transfer": "埋め合わせのサインオンボーナス：約 {v}（税引前）の上乗せで、失う賞与を税引後で"
        "補えます。転籍なので株式は引き続き確定します。",
        "whole_none": "埋め合わせのサインオンボーナス：{why}。",
        "start": "開始日：{ref} ではなく {best} に始めると、税引後で約 {v} 多くなります{why}。",
        "start_kept": "（それまでに現在の職の{events}が支払われます）",
        "start_lost": "（現在の職の{events}は失います）",
        "start_worse": "開始日：今後12か月のどの開始日も、現在の職に残るより手取りが少なくなります。"
        "損失が最も小さいのは {best} 開始で、税引後で約 {v} 少なくなります。",
        "start_same": "開始日：今後12か月の開始日のうち、現在の職に残る場合と比べて {ref} が最良です。",
        "start_none": "開始日：{why}。",
        "start_span": "（検討した開始日：{first}〜{last}。退職の申し出の期間を確認してください。）",
        "start_year": "現在の職の最終日も税年度 {a} から {b} に移ります"
        "（出国するので {b} 年が出国の年になります）。",
        "start_year_home": "現在の職の最終日も税年度 {a} から {b} に移ります。",
        "event_vest": "{d} の株式確定",
        "event_bonus": "{d} の賞与",
        "and": "と",
        "market": "市場データによる裏付け",
        "tc": "オファーの総報酬（基本給＋年間株式＋目標賞与）：{v}",
        "pct": "{city}{level}の比較可能な {n} 件中 {p:.0f} パーセンタイル。",
        "level": "（レベル {level}）",
        "band": "レンジ：p25 {p25}、p50 {p50}、p75 {p75}、p90 {p90}（Excel の PERCENTILE.INC、"
        "データの日付は中央値 {median}、最新 {newest}）。",
        "undated": "日付なし",
        "nomarket": "使える市場データがありません：{why}。",
        "warn": "注意：{w}。",
        "leverage": "交渉材料として示せるオファー（このオファーを上回るもの、強い順）",
        "cite": "{who}：総報酬 年 {tc}{also}、あなたにとっての価値 {home}（{basis}）。",
        "cite_also": "（約 {v}）",
        "cite_anon": "他社オファー：総報酬 年 約 {tc}、あなたにとっての価値 {home}（{basis}）。",
        "nolev": "このオファーを上回る、示せるオファーはありません（Strategy シートの開示設定による）。",
        "ask": "提示額",
        "ask_line": "提示する額：総報酬 {tc}（基本給 {base}）。",
        "ask_held": "提示する額：オファーの額を維持、総報酬 {tc}（基本給 {base}）。",
        "backed_market": "根拠：比較可能な {n} 件の市場データの p75〜p90 に、スカーシティ・プレミアム "
        "{premium}% を加えた {low}〜{high}。",
        "backed_offer": "根拠：使える市場データがないため、オファー自体にスカーシティ・プレミアム "
        "{premium}% を加えた {low}。上回る他社オファーがあれば最大 {high}（オファーの {most}% 上）まで。",
        "lifted": "このオファーを上回る他社オファーがあるため、提示額をレンジの上限寄りにしています。",
        "to_beat": "最良の代替案を上回るのに必要な額：総報酬 {tc}（基本給を約 {raise_} 引き上げ）。",
        "to_beat_won": "最良の代替案を上回るのに必要な額：なし（このオファーは現状ですでに上回っています）。",
        "to_beat_none": "最良の代替案を上回るのに必要な額：現実的な基本給の引き上げでは届きません。",
        "walk": "{v}（{basis}）を下回るなら辞退：Strategy シートに入力したあなた自身の数字です。",
        "walk_unset": "辞退ライン：Strategy シートに設定されていません。",
        "best": "最良の代替案：{name}、価値 {v}（{basis}）。",
        "current_job": "現在の職",
        "value": "このオファーの現状の価値：{v}、提示額が通った場合：{at}（{basis}）。",
        "counters": "一つの項目だけで最良の代替案を {m} 上回るのに必要な上げ幅",
        "counters_bare": "一つの項目だけで最良の代替案を上回るのに必要な上げ幅",
        "already": "不要（このオファーはすでに上回っています）",
        "raise": "約 {v} 引き上げ",
        "bonus": "年間の目標賞与を約 {v} 引き上げ",
        "impact": "実績（ビジネスインパクト）",
        "worth": "年 {v} の価値",
        "deadline": "回答期限 {d}。",
        "timeline": "タイムライン",
        "days": "残り {d} 日",
    },
}

COMPONENTS = {
    "en": {
        "base_salary": "Base salary",
        "sign_on": "Sign-on",
        "rsu_grant": "RSU grant",
        "bonus_target": "Target bonus",
    },
    "ja": {
        "base_salary": "基本給",
        "sign_on": "サインオンボーナス",
        "rsu_grant": "RSU 付与額",
        "bonus_target": "目標賞与",
    },
}
