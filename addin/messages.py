"""What the add-in says for a message code, in English and Japanese.

The calculators return what they have to say as :class:`calculators.negotiation.Note`
records (a code and its parameters); :func:`say` fills the code's template in the
chosen language.  The catalogue is shared: the UDFs say a code in a cell (English),
the brief (:mod:`addin.render.brief`) on its page in either language.  Every code has a
template in both languages (a test checks it, and that each code the calculators can
give is here).

A cell's English line is the error's own line (field names and all: ``sign_on``); the
brief says a code in **plain words** (``say(note, lang, plain=True)``): the templates of
:data:`PLAIN` where the cell's line names an internal identifier, and every parameter that
is one (a component, a basis, a market column) in the words of :data:`WORDS` /
:func:`basis_words`, so that no line of the brief, English or Japanese, shows a
``snake_case`` name.  Amounts (the parameters of :data:`MONEY`) are said as money in the
note's ``currency`` (or ``home``) in either mode.
"""

from __future__ import annotations

import re
import string
from typing import Any

from calculators.negotiation import Note

__all__ = ["LANGS", "MESSAGES", "PLAIN", "WORDS", "MONEY", "say", "money", "basis_words"]

LANGS = ("en", "ja")

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
        "batna_needs_two": "a BATNA needs a second offer or your current job's base (the Strategy sheet's "
        "current job, or current_base_salary on the Relocation sheet)",
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
        "equivalent_no_effect": "no amount of {component} changes the {basis} value of this offer",
        "equivalent_beyond_limit": "no amount of {component} within the field's limit changes the "
        "{basis} value of this offer that much",
        "make_whole_beyond_limit": "no sign-on up to the amount ceiling replaces the forfeited amount",
        "disclosure_below_offer": "the copy discloses {field} ({amount:,.0f} {currency}), below "
        "{count} of your {held} offers; the highest, {offer}, is worth {value:,.0f} {currency} "
        "({basis}). A recruiter anchors on the first number they hear: leave it out (switch it "
        "off on the Strategy sheet, no --include) and let them name a number first",
        "disclosure_unchecked": "the copy discloses {field}, but your offers could not be valued "
        "to check it against them ({why})",
        "market_synthetic": "synthetic market data: {rows} of the {n} comparable rows are an "
        "illustrative sample, not pay anyone reported",
        "market_sample_synthetic": "The market data is SYNTHETIC: {rows} of the {n} rows on the "
        "Market sheet are an illustrative sample generated for the example, not real pay. "
        "Replace them with comparable pay you collected before you rely on any market figure "
        "below",
        "market_none": "No market rows on the Market sheet: each ask rests on the offer itself and "
        "the offers you may cite. Paste comparable pay (Levels.fyi, Glassdoor, LinkedIn) there "
        "to back it",
        "ask_above_market": "this offer is already above the market's p90 plus your premium: the "
        "market backs no raise, so hold at the offer and lean on the offers you may cite",
        "ask_no_evidence": "nothing backs a higher number yet (no market band, no stronger offer "
        "to cite): the ask is the offer itself",
        "cannot_win": "cannot win on base alone: beating your best alternative takes TC "
        "{to_beat}, more than your ask of {ask} plus your scarcity premium",
        "cannot_win_unreachable": "cannot win on base alone: no realistic raise of the base "
        "salary beats your best alternative (your ask: TC {ask})",
        "move_sign_on": "what could move it: a sign-on of {amount} more, on top of the ask",
        "move_equity": "what could move it: an RSU grant larger by {amount}, on top of the ask",
        "move_equity_new": "what could move it: an RSU grant of {amount} (the offer has none), on "
        "top of the ask",
        "regime_default_equity": "the RSUs are valued under the country's default tax regime for "
        "them ({regime}): ask whether the plan is under it (if not, change the RSUs' tax regime on "
        "the Offers sheet); taxed as pay they would be worth {amount} less ({basis})",
        "rsu_social_default": "the RSU vests are valued outside health insurance and the pension, as "
        "for shares a foreign parent delivers: ask who delivers them; through the employer's own "
        "plan they count, costing {as_remuneration} if they vest quarterly (as pay) or {as_bonus} if "
        "once a year (as a bonus) ({basis}); say which on the Params sheet",
        "rsu_social_default_top_grade": "the RSU vests are valued outside health insurance and the "
        "pension, as for shares a foreign parent delivers: ask who delivers them; through the "
        "employer's own plan they count, costing nothing more if they vest quarterly (as pay: the "
        "salary is already in the top grades) but {as_bonus} if once a year (as a bonus) ({basis}); "
        "say which on the Params sheet",
        "regime_default_options": "the options are valued under the country's default tax regime for "
        "them ({regime}): ask whether the plan is under it (if not, change the options' tax regime on "
        "the Offers sheet); taxed as pay they would be worth {amount} less ({basis})",
        "move_level": "what could move it: the next level, {level} (its market band with your "
        "premium: {low} to {high})",
        "leverage_only": "nothing within reach (a sign-on, more equity, the next level) makes it "
        "win: use this offer as leverage only",
        "ask_stretch": "your ask does not yet beat your best alternative: that takes TC "
        "{to_beat}, within your premium above the ask; push towards it",
        "walk_away_not_set": "no walk-away is set on the Strategy sheet: decide yours before the call",
        "transfer_keeps_grants": "none needed: as a transfer your grants keep vesting ({amount} of "
        "unvested equity), and no bonus is lost",
        "below_walk_away": "even at the ask this offer is worth {value}, below your walk-away of {walk_away}",
        "text": "{text}",
    },
    "ja": {
        "counter_at_limit": "すでに上限のため、これ以上引き上げられません",
        "counter_no_effect": "この項目を上げても {basis} の値が変わらないため、BATNA を上回れません",
        "counter_beyond_limit": "指定の上限まで上げても {basis} で BATNA を上回れません",
        "counter_beyond_ceiling": "この項目をいくら上げても BATNA を上回れません",
        "batna_needs_two": "BATNA には 2 つ目のオファーか現在の職の基本給（Strategy シートの現在の職、"
        "または Relocation シートの current_base_salary）が必要です",
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
        "equivalent_no_effect": "この項目をいくら変えても、このオファーの価値（{basis}）は変わりません",
        "equivalent_beyond_limit": "項目の上限の範囲では、このオファーの価値（{basis}）を"
        "そこまで変えられません",
        "make_whole_beyond_limit": "上限までのサインオンボーナスでは、失う金額を埋め合わせられません",
        "disclosure_below_offer": "この資料は{field}（{amount:,.0f} {currency}）を開示しますが、保有している "
        "{held} 件のオファーのうち {count} 件を下回っています（最高は {offer} の "
        "{value:,.0f} {currency}、{basis}）。採用担当者は最初に聞いた数字を基準にするため、"
        "この項目は開示せず（Strategy シートのスイッチをオフ、--include も外す）、"
        "先に相手に金額を示してもらいましょう",
        "disclosure_unchecked": "この資料は{field}を開示しますが、オファーを評価できず、"
        "保有オファーとの比較ができませんでした（{why}）",
        "market_synthetic": "合成データ：比較可能な {n} 件のうち {rows} 件は例示用に生成したサンプルで、"
        "実際に報告された報酬ではありません",
        "market_sample_synthetic": "市場データは合成データです：Market シートの {n} 行のうち {rows} "
        "行は例示用に生成したサンプルで、実際の報酬ではありません。以下の市場の数字に頼る前に、"
        "ご自身で集めた比較データに置き換えてください",
        "market_none": "Market シートに市場データがありません：提示額はオファー自体と、示せる他社"
        "オファーだけに基づいています。裏付けとして比較可能な報酬データ（Levels.fyi、Glassdoor、"
        "LinkedIn など）を貼り付けてください",
        "ask_above_market": "このオファーはすでに市場の p90 にプレミアムを加えた水準を上回っています："
        "市場データでは引き上げを裏付けられないため、現在の額を維持し、示せる他社オファーで交渉してください",
        "ask_no_evidence": "より高い額を裏付ける材料がまだありません（市場データも、上回る他社オファーも"
        "なし）：提示額はオファーそのものです",
        "cannot_win": "基本給だけでは勝てません：最良の代替案を上回るには総報酬 {to_beat} が必要で、"
        "提示額 {ask} にスカーシティ・プレミアムを加えた額を超えます",
        "cannot_win_unreachable": "基本給だけでは勝てません：現実的な基本給の引き上げでは最良の代替案を"
        "上回れません（提示額：総報酬 {ask}）",
        "move_sign_on": "動かせる可能性：提示額に加えてサインオンボーナスをさらに {amount}",
        "move_equity": "動かせる可能性：提示額に加えて RSU 付与額をさらに {amount}",
        "move_equity_new": "動かせる可能性：提示額に加えて RSU の付与 {amount}"
        "（このオファーには RSU がありません）",
        "regime_default_equity": "RSU はこの国の既定の税制（{regime}）で評価しています：制度が"
        "それに該当するか確認してください（該当しなければオファー表で RSU の税制を変更）。"
        "給与として課税されると {amount} 少なくなります（{basis}）",
        "rsu_social_default": "RSU の権利確定分は健康保険・厚生年金の対象外として評価しています（外国親会社が"
        "交付する株式の扱い）：誰が株式を交付するか確認してください。勤務先自身の制度なら対象となり、"
        "四半期ごとの確定（報酬）で {as_remuneration}、年1回の確定（賞与）で {as_bonus} の負担です"
        "（{basis}）。Params シートで指定してください",
        "rsu_social_default_top_grade": "RSU の権利確定分は健康保険・厚生年金の対象外として評価しています"
        "（外国親会社が交付する株式の扱い）：誰が株式を交付するか確認してください。勤務先自身の制度なら対象となり、"
        "四半期ごとの確定（報酬）なら給与がすでに最高等級のため負担は増えませんが、年1回の確定（賞与）では "
        "{as_bonus} の負担です（{basis}）。Params シートで指定してください",
        "regime_default_options": "ストックオプションはこの国の既定の税制（{regime}）で評価しています："
        "制度がそれに該当するか確認してください（該当しなければオファー表でストックオプションの税制を変更）。"
        "給与として課税されると {amount} 少なくなります（{basis}）",
        "move_level": "動かせる可能性：一つ上のレベル {level}（プレミアム込みの市場レンジ {low}〜{high}）",
        "leverage_only": "サインオン、株式の上積み、一つ上のレベルのいずれでも届きません："
        "このオファーは交渉材料としてのみ使ってください",
        "ask_stretch": "提示額ではまだ最良の代替案を上回りません：必要な総報酬は {to_beat}"
        "（提示額にプレミアムを加えた範囲内）。そこまで押してください",
        "walk_away_not_set": "Strategy シートに辞退ラインが設定されていません："
        "交渉の前に決めておいてください",
        "transfer_keeps_grants": "不要です：転籍（同じ雇用主での異動）なので未確定の株式 {amount} は"
        "引き続き確定し、失う賞与もありません",
        "below_walk_away": "提示額が通っても、このオファーの価値は {value} で、辞退ライン {walk_away} を"
        "下回ります",
        "text": "{text}",
    },
}

# The brief's words where a cell's line names an internal identifier (field names, the
# solver's ceiling): the same facts, said for a person.
PLAIN = {
    "en": {
        "counter_at_limit": "the {component} is already at its limit: no raise is possible",
        "counter_no_effect": "no raise of the {component} can win: it does not change what this "
        "offer is worth ({basis})",
        "counter_beyond_limit": "no raise of the {component} up to your limit makes this offer "
        "beat your best alternative ({basis})",
        "counter_beyond_ceiling": "no realistic raise of the {component} makes this offer beat "
        "your best alternative ({basis})",
        "batna_needs_two": "a best alternative needs a second offer or your current salary "
        "(Relocation sheet)",
        "scarcity_premium_range": "the scarcity premium must be a fraction from 0 to 1 (Strategy sheet)",
        "market_not_a_date": "market table: each date must be a date (YYYY-MM-DD)",
        "equivalent_no_effect": "no amount of the {component} changes what this offer is worth ({basis})",
        "equivalent_beyond_limit": "no amount of the {component} within its limit changes what "
        "this offer is worth ({basis}) that much",
    },
    "ja": {
        "counter_no_effect": "この項目を上げてもオファーの価値（{basis}）が変わらないため、"
        "最良の代替案を上回れません",
        "counter_beyond_limit": "指定の上限まで上げても最良の代替案（{basis}）を上回れません",
        "counter_beyond_ceiling": "この項目を現実的な範囲で上げても最良の代替案を上回れません",
        "batna_needs_two": "最良の代替案には 2 つ目のオファーか現在の給与（Relocation シート）が必要です",
        "scarcity_premium_range": "スカーシティ・プレミアム（希少性の上乗せ）は 0 から 1 の割合で"
        "指定してください",
        "market_total_mismatch": "{rows} 行は記載の総報酬が基本給・株式・賞与の合計と一致しないため、"
        "合計を使用",
        "market_not_a_date": "市場データ：日付は YYYY-MM-DD の形式で指定してください",
        "market_no_pay_column": "市場データには基本給か総報酬の列（見出し行）が必要です",
        "market_row_without_pay": "市場データ：各行に基本給か総報酬が必要です",
        "market_value_not_finite": "値は有限の数値で指定してください",
        "market_percentiles_range": "パーセンタイルは 0 から 100 の数値で指定してください",
        "text": "計算できない入力があります：詳細は英語版のブリーフを参照してください",
    },
}

# Identifiers a parameter may hold, in words (components, market columns, filters).
WORDS = {
    "en": {
        "base_salary": "base salary",
        "sign_on": "sign-on",
        "rsu_grant": "RSU grant",
        "bonus_target": "target bonus",
        "stock_per_year": "stock per year",
        "years_experience": "years of experience",
        "min_years": "least years",
        "max_years": "most years",
        "since": "date",
    },
    "ja": {
        "base_salary": "基本給",
        "sign_on": "サインオンボーナス",
        "rsu_grant": "RSU 付与額",
        "bonus_target": "目標賞与",
        "base": "基本給",
        "stock_per_year": "年間株式",
        "bonus": "賞与",
        "total": "総報酬",
        "years_experience": "経験年数",
        "location": "勤務地",
        "level": "レベル",
        "title": "職種",
        "company": "会社",
        "min_years": "最少経験年数",
        "max_years": "最大経験年数",
        "since": "日付",
        "date": "日付",
        "no filter": "絞り込みなし",
    },
}

# What a comparison basis means, in words: how long (the part after ``net_`` /
# ``disposable_``), and before or after what.
_KINDS = {
    "en": {
        "first_year": "first year",
        "annualized": "annualised",
        "total": "total over {years}",
        "npv": "present value over {years}",
    },
    "ja": {
        "first_year": "初年度",
        "annualized": "年平均",
        "total": "{years}の合計",
        "npv": "{years}の現在価値",
    },
}
_LEVELS = {
    "en": {"": "before tax", "net": "after tax", "disposable": "after tax and living costs"},
    "ja": {"": "税引き前", "net": "税引き後の手取り", "disposable": "税・生活費を引いた後"},
}
_HORIZON = {"en": ("the horizon", "{n} years"), "ja": ("比較期間", "{n} 年間")}

# Parameters that are amounts: said as money in the note's ``currency`` (the offer's), or,
# for those of HOME_MONEY, its ``home`` currency.
MONEY = ("to_beat", "ask", "amount", "low", "high", "as_remuneration", "as_bonus")
HOME_MONEY = ("value", "walk_away")
_SNAKE = re.compile(r"[a-z]+(?:_[a-z]+)+")


def money(value: float, currency: str, lang: str = "en") -> str:
    """``12,345,678 JPY`` (Japanese: ``12,345,678円`` for yen).

    >>> money(22_300_000, "JPY"), money(22_300_000, "JPY", "ja"), money(347_000, "USD", "ja")
    ('22,300,000 JPY', '22,300,000円', '347,000 USD')
    """
    text = f"{value:,.0f}"
    if lang == "ja" and currency == "JPY":
        return text + "円"
    return f"{text} {currency}"


def basis_words(basis: str, lang: str = "en", years: int | None = None) -> str:
    """A comparison basis in words: ``net_annualized`` is "annualised, after tax".

    >>> basis_words("net_annualized"), basis_words("disposable_total", years=4)
    ('annualised, after tax', 'total over 4 years, after tax and living costs')
    >>> basis_words("net_annualized", "ja"), basis_words("npv", "ja")
    ('税引き後の手取り・年平均', '税引き前・比較期間の現在価値')
    """
    level, _, kind = basis.partition("_") if basis.startswith(("net_", "disposable_")) else ("", "", basis)
    if kind not in _KINDS[lang] or level not in _LEVELS[lang]:
        return basis.replace("_", " ")
    horizon, n_years = _HORIZON[lang]
    span = horizon if years is None else n_years.format(n=years)
    said = _KINDS[lang][kind].format(years=span)
    if lang == "ja":
        return f"{_LEVELS[lang][level]}・{said}"
    return f"{said}, {_LEVELS[lang][level]}"


def _word(value: Any, lang: str, key: str = "") -> Any:
    """A parameter in words when it is an identifier (``sign_on``: "sign-on"; a basis)."""
    if not isinstance(value, str):
        return value
    if key == "basis":
        return basis_words(value, lang)
    if ", " in value:  # a list of filter names
        return ("、" if lang == "ja" else ", ").join(str(_word(v, lang)) for v in value.split(", "))
    words = WORDS[lang]
    if value in words:
        return words[value]
    if _SNAKE.fullmatch(value):
        said = basis_words(value, lang)
        return said if said != value.replace("_", " ") else value.replace("_", " ")
    return value


def _params(note: Note, template: str, lang: str, plain: bool) -> dict[str, Any]:
    """The note's parameters as its template says them: amounts as money (unless the template
    formats the number itself, ``{amount:,.0f}``), identifiers in words when ``plain``."""
    params = dict(note.params)
    bare = {name for _, name, spec, _ in string.Formatter().parse(template) if name and not spec}
    for keys, currency in ((MONEY, params.get("currency")), (HOME_MONEY, params.get("home"))):
        if currency is None:
            continue
        for key in keys:
            value = params.get(key)
            if key in bare and isinstance(value, (int, float)) and not isinstance(value, bool):
                params[key] = money(float(value), str(currency), lang)
    if plain:
        params = {k: _word(v, lang, k) for k, v in params.items()}
    return params


def say(note: Note, lang: str = "en", plain: bool = False) -> str:
    """The note in ``lang``: its code's template filled with its parameters.

    ``plain``: in the brief's words (:data:`PLAIN`, :data:`WORDS`), never an identifier.

    >>> say(Note("deadline_before_others", {"count": 2}), "ja")
    '他のオファー 2 件より先に期限切れ：期限をそろえるよう依頼'
    >>> n = Note("counter_beyond_ceiling", {"component": "sign_on", "basis": "net_annualized"})
    >>> say(n, plain=True)
    'no realistic raise of the sign-on makes this offer beat your best alternative (annualised, after tax)'
    """
    template = (PLAIN[lang].get(note.code) if plain else None) or MESSAGES[lang][note.code]
    return template.format(**_params(note, template, lang, plain))
