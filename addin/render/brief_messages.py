"""The brief's words in English and Japanese: page labels, and one template per message code.

The calculators return what the brief says as :class:`calculators.negotiation.Note`
records (a code and its parameters); :func:`say` fills the code's template in
the chosen language.  Every code has a template in both languages (a test
checks it, and that each code the calculators can give is here).
"""

from __future__ import annotations

from calculators.negotiation import Note

__all__ = ["LANGS", "LABELS", "COMPONENTS", "MESSAGES", "say"]

LANGS = ("en", "ja")

LABELS = {
    "en": {
        "title": "Negotiation brief",
        "private": "PRIVATE: for you only. Never send this page.",
        "basis": "Compared on {basis} in {ccy}, as of {date}.",
        "target": "Income target: {v} a year.",
        "market": "Market position",
        "tc": "Offer TC (base + yearly stock + target bonus): {v}",
        "pct": "Stands at percentile {p:.0f} of {n} comparable rows in {city} "
        "(p25 {p25}, p50 {p50}, p75 {p75}, p90 {p90}).",
        "nomarket": "No usable market band: {why}.",
        "warn": "Warning: {w}.",
        "standing": "Standing",
        "value": "This offer on {basis}: {v}.",
        "batna": "Best alternative (BATNA): {name} at {v}.",
        "current_job": "current job",
        "leverage": "Leverage you may cite",
        "cite": "{who}: TC {tc} a year (worth {home} on {basis}).",
        "another": "Another offer",
        "nolev": "Nothing to cite (your disclosure choices).",
        "counters": "Counter per component (smallest raise that beats the BATNA by {m})",
        "already": "already wins: no raise needed",
        "raise": "raise by {v}",
        "bonus": "raise the yearly target bonus by {v}",
        "ask": "The ask",
        "anchor": "Anchor (open with): TC {tc} (base {base}).",
        "tgt": "Target: TC {tc} (base {base}).",
        "walk": "Walk away below {v} on {basis}.",
        "nobase": "{why}",
        "impact": "Impact talking points",
        "worth": "worth {v} a year",
        "deadline": "Deadline {d}.",
        "timeline": "Timeline",
        "days": "{d} days left",
    },
    "ja": {
        "title": "交渉ブリーフ",
        "private": "非公開：本人用。このページは送らないこと。",
        "basis": "比較基準 {basis}（{ccy}）、{date} 時点。",
        "target": "年収目標：{v}。",
        "market": "市場でのポジション",
        "tc": "オファーの総報酬（基本給＋年間株式＋目標賞与）：{v}",
        "pct": "{city} の比較可能な {n} 件中 {p:.0f} パーセンタイル"
        "（p25 {p25}、p50 {p50}、p75 {p75}、p90 {p90}）。",
        "nomarket": "使える市場データがありません：{why}。",
        "warn": "注意：{w}。",
        "standing": "現状",
        "value": "このオファー（{basis}）：{v}。",
        "batna": "最良の代替案（BATNA）：{name}、{v}。",
        "current_job": "現在の職",
        "leverage": "交渉材料として示せるオファー",
        "cite": "{who}：総報酬 年 {tc}（{basis} で {home}）。",
        "another": "他社オファー",
        "nolev": "示せるものはありません（開示設定による）。",
        "counters": "項目ごとのカウンター（BATNA を {m} 上回る最小の上げ幅）",
        "already": "既に上回っています：上げ幅は不要",
        "raise": "{v} 引き上げ",
        "bonus": "年間の目標賞与を {v} 引き上げ",
        "ask": "提示額",
        "anchor": "アンカー（最初の提示）：総報酬 {tc}（基本給 {base}）。",
        "tgt": "目標：総報酬 {tc}（基本給 {base}）。",
        "walk": "{basis} で {v} を下回るなら辞退。",
        "nobase": "基本給の引き上げだけでは辞退ラインに届きません",
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

# code -> template; the parameters are the Note's (see the module raising each code).
MESSAGES = {
    "en": {
        "counter_at_limit": "{component} is already at its limit: no increase is possible",
        "counter_no_effect": "no increase of {component} can win: it does not change the {basis} "
        "value of this offer",
        "counter_beyond_limit": "no increase of {component} up to your limit makes this offer beat "
        "its best alternative on {basis}",
        "counter_beyond_ceiling": "no increase of {component} up to the solver's ceiling makes this "
        "offer beat its best alternative on {basis}",
        "batna_needs_two": "a BATNA needs a second offer or the current job (current_base_salary)",
        "scarcity_premium_range": "scarcity_premium must be a fraction from 0 to 1",
        "cite_choice": "leverage: cite as must be name, figures, none",
        "deadline_before_expected": "expires before an expected offer arrives: ask to extend",
        "deadline_before_others": "expires before {count} other offer(s): ask to align deadlines",
        "market_small_sample": "small sample: {n} comparable rows (fewer than {least})",
        "market_stale": "stale data: the median row date {median} is {months} months before {as_of}",
        "market_undated": "rows carry no date: recency unknown",
        "market_total_mismatch": "{rows} row(s) give a total that is not base + stock + bonus; "
        "the sum is used (like for like)",
        "market_no_rows": "no comparable market rows after filtering on {filters}",
        "market_one_row": "only 1 comparable market row after filtering: at least 2 are needed "
        "for a percentile",
        "market_unknown_column": "market columns: unknown text column",
        "market_not_a_date": "market table: date must be a date (YYYY-MM-DD)",
        "market_not_a_number": "market table: {column} must be a number",
        "market_not_finite": "market table: {column} must be a finite number",
        "market_too_large": "market table: {column} is beyond {most:,.0f}, more than any pay in any "
        "currency; check the cell",
        "market_negative": "market table: {column} must not be negative",
        "market_empty": "market table is empty: give a header row and data rows",
        "market_column_twice": "market table: a column is listed twice",
        "market_no_pay_column": "market table needs a base or a total column (header row)",
        "market_no_data_rows": "market table is empty: no data rows under the header",
        "market_ragged": "market table is ragged: rows have different lengths",
        "market_row_without_pay": "market table: every row needs a base or a total",
        "market_mixed_currencies": "market table mixes currencies: give the currency to compare in",
        "market_needs_fx": "market table mixes currencies: an FX table is needed",
        "market_value_not_finite": "value must be a finite number",
        "market_percentiles_range": "percentiles must be numbers from 0 to 100",
        "impact_item": "impact ledger, item {index}: check its numbers",
        "result_out_of_range": "{where}: a result is out of range; check the sizes of the amounts "
        "and FX rates",
        "text": "{text}",
    },
    "ja": {
        "counter_at_limit": "すでに上限のため、これ以上引き上げられません",
        "counter_no_effect": "この項目を上げても {basis} の値が変わらないため、BATNA を上回れません",
        "counter_beyond_limit": "指定の上限まで上げても {basis} で BATNA を上回れません",
        "counter_beyond_ceiling": "この項目をいくら上げても BATNA を上回れません",
        "batna_needs_two": "BATNA には 2 つ目のオファーか現在の職（current_base_salary）が必要です",
        "scarcity_premium_range": "scarcity_premium は 0 から 1 の割合で指定してください",
        "cite_choice": "交渉材料の示し方は name、figures、none のいずれかです",
        "deadline_before_expected": "待っているオファーより先に期限切れ：延長を依頼",
        "deadline_before_others": "他のオファー {count} 件より先に期限切れ：期限をそろえるよう依頼",
        "market_small_sample": "サンプルが少ない：比較可能な行が {n} 件（{least} 件未満）",
        "market_stale": "データが古い：行の日付の中央値 {median} は {as_of} の {months} か月前",
        "market_undated": "行に日付がなく、鮮度が不明",
        "market_total_mismatch": "{rows} 行の total が base + stock + bonus と一致しないため、合計を使用",
        "market_no_rows": "絞り込み（{filters}）の後に比較可能な市場データがありません",
        "market_one_row": "絞り込み後の比較可能な市場データが 1 行のみ：パーセンタイルには 2 行以上が必要",
        "market_unknown_column": "市場データ：不明なテキスト列があります",
        "market_not_a_date": "市場データ：date は日付（YYYY-MM-DD）で指定してください",
        "market_not_a_number": "市場データ：{column} は数値で指定してください",
        "market_not_finite": "市場データ：{column} は有限の数値で指定してください",
        "market_too_large": "市場データ：{column} が {most:,.0f} を超えています"
        "（どの通貨の給与よりも大きい値）。セルを確認してください",
        "market_negative": "市場データ：{column} に負の値は使えません",
        "market_empty": "市場データが空です：見出し行とデータ行を入れてください",
        "market_column_twice": "市場データ：同じ列が 2 回あります",
        "market_no_pay_column": "市場データには base か total の列（見出し行）が必要です",
        "market_no_data_rows": "市場データが空です：見出し行の下にデータ行がありません",
        "market_ragged": "市場データの行の長さがそろっていません",
        "market_row_without_pay": "市場データ：各行に base か total が必要です",
        "market_mixed_currencies": "市場データに複数の通貨があります：比較する通貨を指定してください",
        "market_needs_fx": "市場データに複数の通貨があります：為替レート表が必要です",
        "market_value_not_finite": "value は有限の数値で指定してください",
        "market_percentiles_range": "percentiles は 0 から 100 の数値で指定してください",
        "impact_item": "実績の {index} 行目：数値を確認してください",
        "result_out_of_range": "{where}：結果が大きすぎます。金額と為替レートの桁を確認してください",
        "text": "{text}",
    },
}


def say(note: Note, lang: str = "en") -> str:
    """The note in ``lang``: its code's template filled with its parameters.

    >>> say(Note("deadline_before_others", {"count": 2}), "ja")
    '他のオファー 2 件より先に期限切れ：期限をそろえるよう依頼'
    """
    return MESSAGES[lang][note.code].format(**note.params)
