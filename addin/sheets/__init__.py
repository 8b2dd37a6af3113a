"""The workbook's sheets, one module each.

Every module has ``NAME`` and ``fill(m, lay, data)``, which lays its cells out in
the :class:`~addin.sheetmodel.Model` (values, formulas, spills, each with a
style name); it may have ``dress(ws, wb, lay, data)`` for what is not a cell
(column widths, frozen panes, data validation, charts).  ``FILL_ORDER`` is
the order of filling (inputs before the sheets that refer to them);
``TAB_ORDER`` is the order of the tabs.
"""

from addin.sheets import compare, conf, offers, params, relocation, schedules, start

FILL_ORDER = (params, offers, compare, schedules, relocation, start, conf)
TAB_ORDER = (start, offers, compare, relocation, schedules, params, conf)
