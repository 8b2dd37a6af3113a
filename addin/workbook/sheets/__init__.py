"""The workbook's sheets, one module each.

Every module has ``NAME`` and ``fill(m, lay, data)``, which lays its cells out in
the :class:`~addin.workbook.model.Model` (values, formulas, spills, each with a
style name); it may have ``dress(ws, wb, lay, data)`` for what is not a cell
(column widths, frozen panes, data validation, charts).  ``FILL_ORDER`` is
the order of filling (inputs before the sheets that refer to them);
``TAB_ORDER`` is the order of the tabs.
"""

from addin.workbook.sheets import (
    compare,
    conf,
    disclosure,
    market,
    offers,
    params,
    recruiter,
    relocation,
    schedules,
    start,
    strategy,
)

FILL_ORDER = (
    params,
    offers,
    compare,
    schedules,
    relocation,
    start,
    conf,
    disclosure,
    recruiter,
    market,
    strategy,
)
# disclosure writes the switch block of the Strategy sheet (from column K); strategy owns the
# tab and its dress calls disclosure.dress
TAB_ORDER = (start, offers, compare, relocation, market, schedules, strategy, recruiter, params, conf)
