"""What the add-in says for a message code, in English and Japanese.

The calculators return what they have to say as :class:`calculators.negotiation.Note`
records (a code and its parameters); :func:`say` fills the code's template in the
chosen language.  The catalogue is shared: the UDFs say a code in a cell (English),
the brief (:mod:`addin.render.brief`) on its page in either language.  Every code has a
template in both languages (a test checks it, and that each code the calculators can
give is here).
"""

from __future__ import annotations

from calculators.negotiation import Note

__all__ = ["LANGS", "MESSAGES", "say"]

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
