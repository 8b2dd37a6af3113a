"""A formula compiled by the formulas engine, run as a list of calls.

The engine compiles each formula to a small dispatcher (a ``schedula.DispatchPipe``): a
fixed order of steps, each an operator or function of the formula with the values of its
operands.  Building one, schedula runs a whole solution of the formula twice; running one,
it builds and keeps another (a workflow graph, a record of every node, the times it started
and ended), which costs more than the formula: most of an evaluation's time outside our
functions.  :func:`compile_cell` compiles a cell's formula to a :class:`LazyPipe` instead,
which makes the same calls in dependency order with nothing kept, and leaves to schedula
every case it does not know to be plain: a step that is not a function of one output or a
value, a value schedula would leave unset, an argument other than the dispatcher's own, and
any step that raises (the formula is then run by schedula, which reports it as the engine
always has).  tests/test_pipes.py holds the two to each other on every formula of the
shipped workbook and of a mixed one.
"""

from __future__ import annotations

from typing import Any

import schedula as sh

_DATA, _FUNCTION = 0, 1
_PLAIN_DATA = {"index", "type", "wait_inputs", "filters"}
_PLAIN_FUNCTION = {
    "index",
    "type",
    "wait_inputs",
    "function",
    "inputs",
    "outputs",
    "solve_cycle",
    "extra_inputs",
}
_NO_PLAN = ()  # a pipe left to schedula
# what the dispatcher running the workbook passes a formula for its own records (the stopper
# it checks between steps, the names it logs under): a direct run keeps no records
_BOOKKEEPING = {"_stopper", "_executor", "_sol_name", "_verbose"}


class _Unplain(Exception):
    """A step the direct run does not make: schedula runs the formula."""


def _plain_data(attr: dict[str, Any]) -> bool:
    return not set(attr) - _PLAIN_DATA and not attr.get("wait_inputs")


def _plain_function(attr: dict[str, Any]) -> bool:
    return not set(attr) - _PLAIN_FUNCTION and attr.get("wait_inputs", True) and len(attr["outputs"]) == 1


class LazyPipe(sh.DispatchPipe):  # type: ignore[misc]
    """A compiled formula run as plain calls, made without schedula's solution.

    The formulas engine makes a ``DispatchPipe`` of each formula, which runs a whole solution
    of it twice to learn the order of its steps (a fifth of a first evaluation).  Here the
    order is the formula's own graph in dependency order, and the ``DispatchPipe`` is made
    only if schedula has to run the formula (:meth:`by_schedula`).  It has what the engine
    reads of a compiled formula: its graph, name, inputs and output."""

    def __init__(self, dsp: Any, function_id: Any = None, inputs: Any = None, outputs: Any = None, **kw: Any):
        self.dsp, self.function_id, self.__name__ = dsp, function_id, function_id
        self.inputs, self.outputs = inputs, outputs
        self._made: tuple[Any, ...] = (dsp, function_id, inputs, outputs, kw)
        self._schedula: Any = None
        self._plan: Any = None

    def __call__(self, *args: Any, **kw: Any) -> Any:
        plan = self._plan
        if plan is None:
            plan = self._plan = _plan(self.dsp, tuple(self.inputs or ()), self.outputs)
        if (
            plan is _NO_PLAN
            or not kw.keys() <= _BOOKKEEPING
            or kw.get("_executor")
            or len(args) != len(plan[0])
        ):
            return self.by_schedula(*args, **kw)
        inputs, defaults, steps, output = plan
        values = dict(defaults)
        values.update(zip(inputs, args, strict=True))
        try:
            for kind, node, func, ins, filters in steps:
                if kind == _DATA:
                    value = values.get(node, sh.NONE)
                    if value is sh.NONE:
                        raise _Unplain
                    for f in filters:
                        value = f(value)
                    values[node] = value
                else:
                    got = [values.get(i, sh.NONE) for i in ins]
                    if any(v is sh.NONE for v in got):
                        raise _Unplain
                    value = func(*got)
                    if value is sh.NONE:
                        raise _Unplain
                    values[node] = value
            return values[output]
        except Exception:  # schedula runs it again, and reports or raises as it does
            return self.by_schedula(*args, **kw)

    def by_schedula(self, *args: Any, **kw: Any) -> Any:
        """The formula run by schedula, as the engine runs it without this module."""
        if self._schedula is None:
            dsp, function_id, inputs, outputs, options = self._made
            self._schedula = sh.DispatchPipe(dsp, function_id, inputs, outputs, **options)
        return self._schedula(*args, **kw)


def _plan(dsp: Any, inputs: tuple[Any, ...], outputs: Any) -> Any:
    """(inputs, default values, steps, output) of a formula's graph, or :data:`_NO_PLAN`:
    each function once its operands are known, in the graph's order; each value, once
    known, through its filters."""
    try:
        if len(outputs or ()) != 1:
            return _NO_PLAN
        nodes = dsp.nodes
        if any(a["type"] not in ("data", "function") for a in nodes.values()):
            return _NO_PLAN
        if not all(_plain_data(a) for a in nodes.values() if a["type"] == "data"):
            return _NO_PLAN
        defaults = {k: v["value"] for k, v in dsp.default_values.items()}
        known = set(defaults) | set(inputs)
        steps: list[tuple[Any, ...]] = [
            (_DATA, n, None, (), tuple(a.get("filters", ()))) for n, a in nodes.items() if n in known
        ]
        waiting = [(n, a) for n, a in nodes.items() if a["type"] == "function"]
        while waiting:
            ready = [(n, a) for n, a in waiting if all(i in known for i in a["inputs"] or ())]
            if not ready:
                break  # steps whose operands nothing gives: schedula would not run them either
            for _node_id, attr in ready:
                out = attr["outputs"][0] if _plain_function(attr) else None
                if out is None or out in known or nodes[out]["type"] != "data":
                    return _NO_PLAN  # not a plain step, or a value given twice
                steps.append((_FUNCTION, out, attr["function"], tuple(attr["inputs"] or ()), ()))
                steps.append((_DATA, out, None, (), tuple(nodes[out].get("filters", ()))))
                known.add(out)
            done = {n for n, _ in ready}
            waiting = [(n, a) for n, a in waiting if n not in done]
        if outputs[0] not in known:
            return _NO_PLAN
        return inputs, defaults, tuple(steps), outputs[0]
    except (AttributeError, KeyError, TypeError, IndexError):
        return _NO_PLAN


def _lazy_cell_class() -> type:
    from formulas.builder import AstBuilder
    from formulas.cell import Cell
    from formulas.parser import Parser

    class Builder(AstBuilder):  # type: ignore[misc]
        compile_class = LazyPipe

    class LazyParser(Parser):  # type: ignore[misc]
        ast_builder = Builder

    class LazyCell(Cell):  # type: ignore[misc]
        """A cell of the engine whose formula compiles to a :class:`LazyPipe`."""

        parser = LazyParser(True)

    return LazyCell


_LAZY_CELL: Any = None


def compile_cell(crd: Any, value: Any, context: Any, check_formula: Any, references: Any) -> Any:
    """What the engine's ``ExcelModel._compile_cell`` makes of a cell, its formula compiled
    to a :class:`LazyPipe` (for this engine's model only: the library's classes are left as
    they are)."""
    global _LAZY_CELL
    if _LAZY_CELL is None:
        _LAZY_CELL = _lazy_cell_class()
    cell = _LAZY_CELL(crd, value, context=context, check_formula=check_formula)
    cell.compile(references=references, context=context)
    return cell
