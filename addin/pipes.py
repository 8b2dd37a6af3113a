"""A formula compiled by the formulas engine, run as a list of calls.

The engine compiles each formula to a small dispatcher (a ``schedula.DispatchPipe``): a
fixed order of steps, each an operator or function of the formula with the values of its
operands.  Running one, schedula builds and keeps a whole solution (a workflow graph, a
record of every node, the times it started and ended), which costs more than the formula:
most of an evaluation's time outside our functions.  :func:`direct` gives a compiled
formula a ``__call__`` that makes the same calls in the same order with nothing kept,
and leaves to schedula every case it does not know to be plain: a step that is not a
function of one output or a value, a value schedula would leave unset, an argument other
than the dispatcher's own, and any step that raises (the formula is then run again by
schedula, which reports it as the engine always has).  tests/test_pipes.py holds the two
to each other on every formula of the shipped workbook and of a mixed one.
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


class DirectPipe(sh.DispatchPipe):  # type: ignore[misc]
    """A ``DispatchPipe`` that runs its steps as plain calls (see the module's note)."""

    _plan: Any = None

    def __call__(self, *args: Any, **kw: Any) -> Any:
        plan = self._plan
        if plan is None:
            plan = self._plan = _plan_of(self)
        if (
            plan is _NO_PLAN
            or not kw.keys() <= _BOOKKEEPING
            or kw.get("_executor")
            or len(args) != len(plan[0])
        ):
            return super().__call__(*args, **kw)
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
            return super().__call__(*args, **kw)


def _plan_of(pipe: sh.DispatchPipe) -> Any:
    """(inputs, default values, steps, output) of ``pipe``, or :data:`_NO_PLAN`."""
    try:
        dsp = pipe.dsp
        nodes = dsp.nodes
        if pipe.output_type != "values" or len(pipe.outputs or ()) != 1 or pipe.var_keyword:
            return _NO_PLAN
        if len(pipe._sol.sub_sol) != 1:
            return _NO_PLAN
        steps = []
        for task, _next, nxt_dsp in pipe.pipe:
            node_id = task[-1][0]
            if nxt_dsp or node_id is sh.START:
                return _NO_PLAN
            attr = nodes[node_id]
            if attr["type"] == "data":
                if set(attr) - _PLAIN_DATA or attr.get("wait_inputs"):
                    return _NO_PLAN
                steps.append((_DATA, node_id, None, (), tuple(attr.get("filters", ()))))
            elif attr["type"] == "function":
                if (
                    set(attr) - _PLAIN_FUNCTION
                    or not attr.get("wait_inputs", True)
                    or len(attr["outputs"]) != 1
                ):
                    return _NO_PLAN
                steps.append(
                    (_FUNCTION, attr["outputs"][0], attr["function"], tuple(attr["inputs"] or ()), ())
                )
            else:
                return _NO_PLAN
        defaults = {k: v["value"] for k, v in dsp.default_values.items()}
        return tuple(pipe.inputs or ()), defaults, tuple(steps), pipe.outputs[0]
    except (AttributeError, KeyError, TypeError, IndexError):
        return _NO_PLAN


def direct(pipe: Any) -> Any:
    """``pipe`` run as plain calls from now on, if it is exactly a ``DispatchPipe``."""
    if type(pipe) is sh.DispatchPipe:
        pipe.__class__ = DirectPipe
    return pipe
