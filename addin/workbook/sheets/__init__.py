"""The workbook's sheets, one module each.

Every module has ``NAME`` and ``fill(m, lay, data)``, which lays its cells out in
the :class:`~addin.workbook.model.Model` (values, formulas, spills, each with a
style name); it may have ``dress(ws, wb, lay, data)`` for what is not a cell
(column widths, frozen panes, data validation, charts).  The orders of filling and
of the tabs are the builder's (``FILL_ORDER``, ``TAB_ORDER`` in
:mod:`addin.workbook.builder`), so importing one sheet does not import them all.
"""
