"""The brief's own words in English and Japanese: its page labels and component names.

What the brief says for a message code is the shared catalogue, :mod:`addin.messages`,
which the UDFs use too.
"""

from __future__ import annotations

__all__ = ["LABELS", "COMPONENTS"]

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
