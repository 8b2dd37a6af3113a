"""The VBA module Excel's *Import Functions* writes for our UDFs, generated here without Windows.

On Windows, the xlwings ribbon's *Import Functions* (or ``ImportPythonUDFs``) runs
``xlwings.udfs.import_udfs("addin.udfs", workbook)``: it writes a VBA module
``xlwings_udfs`` with one wrapper per function (``xlwings.udfs.generate_vba_wrapper``),
imports it into the workbook's VBA project, and passes each function's description
and argument help to ``Application.MacroOptions``.  If that module does not compile
(an argument named like a VBA keyword, e.g. ``currency``: xlwings issue #563), none
of the functions imports.

:func:`import_functions` runs that same xlwings code (the installed xlwings, pinned
to the version whose VBA the workbook carries) on Linux: pywin32 is replaced by
stand-in modules, only inside the call, and the workbook by a recorder that keeps
the module text xlwings asks Excel to import and the MacroOptions calls.  The UDFs
are registered exactly as ``@xw.func`` registers them on Windows
(``xlwings.udfs.xlfunc``), but on copies, so nothing of ``addin.udfs`` is changed.
Nothing here touches COM, Excel or the network.

The guard (:mod:`addin.io.guard`) uses :func:`xlwings_udfs_code` to recognise the module
in a user's workbook after Excel has imported the functions.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import io
import logging
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "MODULE_NAME",
    "UDF_MODULES",
    "RESERVED_IDENTIFIERS",
    "RESERVED_SOURCE",
    "MacroOptionsCall",
    "ImportedFunctions",
    "import_functions",
    "xlwings_udfs_code",
    "is_reserved",
    "is_avoided",
    "CONTEXTUAL_KEYWORDS",
    "KEYWORDS_SOURCE",
    "identifiers",
]

MODULE_NAME = "xlwings_udfs"  # the module name import_udfs gives the generated VBA
UDF_MODULES = "addin.udfs"  # the xlwings.conf sheet's "UDF Modules" entry
DEFAULT_WORKBOOK = "negotiation.xlsm"

RESERVED_SOURCE = {
    "title": "[MS-VBAL] VBA Language Specification, section 3.3.5.2 Reserved Identifiers and IDENTIFIER",
    "href": "https://learn.microsoft.com/en-us/openspecs/microsoft_general_purpose_"
    "programming_languages/ms-vbal/7df907cb-ab6c-40d3-aa81-272742ce00c3",
    "note": "IDENTIFIER = any lex-identifier that is not a reserved-identifier; case-"
    "insensitive.  Copied from the grammar rules of that section (the spec's stray "
    'spaces in "ByVal ", "VB_Ext_KEY ", "VB_Invoke_Property ", "VB_VarProcData " '
    'dropped, and "VB_Invoke_PropertyPutRefVB_MemberFlags", two names run together '
    "in one edition, split).",
}

# Every <reserved-identifier> of MS-VBAL 3.3.5.2, by the grammar rule that lists it.
RESERVED_IDENTIFIERS: dict[str, tuple[str, ...]] = {
    "statement-keyword": (
        "Call",
        "Case",
        "Close",
        "Const",
        "Declare",
        "DefBool",
        "DefByte",
        "DefCur",
        "DefDate",
        "DefDbl",
        "DefInt",
        "DefLng",
        "DefLngLng",
        "DefLngPtr",
        "DefObj",
        "DefSng",
        "DefStr",
        "DefVar",
        "Dim",
        "Do",
        "Else",
        "ElseIf",
        "End",
        "EndIf",
        "Enum",
        "Erase",
        "Event",
        "Exit",
        "For",
        "Friend",
        "Function",
        "Get",
        "Global",
        "GoSub",
        "GoTo",
        "If",
        "Implements",
        "Input",
        "Let",
        "Lock",
        "Loop",
        "LSet",
        "Next",
        "On",
        "Open",
        "Option",
        "Print",
        "Private",
        "Public",
        "Put",
        "RaiseEvent",
        "ReDim",
        "Resume",
        "Return",
        "RSet",
        "Seek",
        "Select",
        "Set",
        "Static",
        "Stop",
        "Sub",
        "Type",
        "Unlock",
        "Wend",
        "While",
        "With",
        "Write",
    ),
    "rem-keyword": ("Rem",),
    "marker-keyword": (
        "Any",
        "As",
        "ByRef",
        "ByVal",
        "Case",
        "Each",
        "Else",
        "In",
        "New",
        "Shared",
        "Until",
        "WithEvents",
        "Write",
        "Optional",
        "ParamArray",
        "Preserve",
        "Spc",
        "Tab",
        "Then",
        "To",
    ),
    "operator-identifier": (
        "AddressOf",
        "And",
        "Eqv",
        "Imp",
        "Is",
        "Like",
        "New",
        "Mod",
        "Not",
        "Or",
        "TypeOf",
        "Xor",
    ),
    "reserved-name": (
        "Abs",
        "CBool",
        "CByte",
        "CCur",
        "CDate",
        "CDbl",
        "CDec",
        "CInt",
        "CLng",
        "CLngLng",
        "CLngPtr",
        "CSng",
        "CStr",
        "CVar",
        "CVErr",
        "Date",
        "Debug",
        "DoEvents",
        "Fix",
        "Int",
        "Len",
        "LenB",
        "Me",
        "PSet",
        "Scale",
        "Sgn",
        "String",
    ),
    "special-form": ("Array", "Circle", "Input", "InputB", "LBound", "Scale", "UBound"),
    "reserved-type-identifier": (
        "Boolean",
        "Byte",
        "Currency",
        "Date",
        "Double",
        "Integer",
        "Long",
        "LongLong",
        "LongPtr",
        "Single",
        "String",
        "Variant",
    ),
    "literal-identifier": ("true", "false", "nothing", "empty", "null"),
    "reserved-for-implementation-use": (
        "Attribute",
        "LINEINPUT",
        "VB_Base",
        "VB_Control",
        "VB_Creatable",
        "VB_Customizable",
        "VB_Description",
        "VB_Exposed",
        "VB_Ext_KEY",
        "VB_GlobalNameSpace",
        "VB_HelpID",
        "VB_Invoke_Func",
        "VB_Invoke_Property",
        "VB_Invoke_PropertyPut",
        "VB_Invoke_PropertyPutRef",
        "VB_MemberFlags",
        "VB_Name",
        "VB_PredeclaredId",
        "VB_ProcData",
        "VB_TemplateDerived",
        "VB_UserMemId",
        "VB_VarDescription",
        "VB_VarHelpID",
        "VB_VarMemberFlags",
        "VB_VarProcData",
        "VB_VarUserMemId",
    ),
    "future-reserved": ("CDecl", "Decimal", "DefDec"),
}
_RESERVED = frozenset(w.lower() for words in RESERVED_IDENTIFIERS.values() for w in words)

# Not reserved by the grammar, but keywords in some statements or the names of data types;
# no argument of ours uses one either, so the VBA editor never has to guess.
KEYWORDS_SOURCE = {
    "title": "Keywords (Visual Basic for Applications), and Data type summary (Object)",
    "href": "https://learn.microsoft.com/en-us/office/vba/language/reference/"
    "keywords-visual-basic-for-applications",
}
CONTEXTUAL_KEYWORDS: tuple[str, ...] = (
    "As",
    "Binary",
    "ByRef",
    "ByVal",
    "Date",
    "Else",
    "Empty",
    "Error",
    "False",
    "For",
    "Friend",
    "Get",
    "Input",
    "Is",
    "Len",
    "Let",
    "Lock",
    "Me",
    "Mid",
    "New",
    "Next",
    "Nothing",
    "Null",
    "On",
    "Option",
    "Optional",
    "ParamArray",
    "Print",
    "Private",
    "Property",
    "Public",
    "Resume",
    "Seek",
    "Set",
    "Static",
    "Step",
    "String",
    "Then",
    "Time",
    "To",
    "True",
    "WithEvents",
    "Object",
)
_AVOIDED = _RESERVED | frozenset(w.lower() for w in CONTEXTUAL_KEYWORDS)


def is_reserved(name: str) -> bool:
    """True when ``name`` is a VBA reserved identifier (MS-VBAL 3.3.5.2; case-blind).

    Examples
    --------
    >>> is_reserved("currency"), is_reserved("Date"), is_reserved("currency_code")
    (True, True, False)
    """
    return name.lower() in _RESERVED


def is_avoided(name: str) -> bool:
    """True when ``name`` is reserved or one of :data:`CONTEXTUAL_KEYWORDS` (case-blind).

    >>> is_avoided("property"), is_reserved("property"), is_avoided("report")
    (True, False, False)
    """
    return name.lower() in _AVOIDED


@dataclass(frozen=True)
class MacroOptionsCall:
    """One ``Application.MacroOptions`` call of ``import_udfs`` (what the Function Wizard shows)."""

    macro: str  # "'negotiation.xlsm'!offer_tc"
    description: str
    category: Any
    argument_descriptions: tuple[str, ...]


@dataclass(frozen=True)
class ImportedFunctions:
    """What *Import Functions* does to a workbook, recorded.

    ``text`` is the file ``import_udfs`` writes and has Excel import as the module
    ``xlwings_udfs`` (Python's text mode writes it: ``\\n`` line ends here, ``\\r\\n`` on
    Windows); ``functions`` the registered copies of the UDFs, by Python name, each
    with the ``__xlfunc__`` metadata xlwings recorded (argument names, converter
    options, help).
    """

    text: str
    macro_options: tuple[MacroOptionsCall, ...]
    functions: dict[str, Callable[..., Any]]


class _ComError(Exception):
    """Stand-in for ``pywintypes.com_error``."""


def _no_com(*_: Any, **__: Any) -> Any:
    raise _ComError("no COM here: xlwings' VBA generation is run without Excel")


def _stub_modules() -> dict[str, types.ModuleType]:
    """Stand-ins for the pywin32 modules ``xlwings.udfs`` imports (nothing in them is called
    by the generation; a call that would reach COM raises)."""
    pywintypes = types.ModuleType("pywintypes")
    pywintypes.com_error = _ComError  # type: ignore[attr-defined]
    pywintypes.TimeType = type("TimeType", (), {})  # type: ignore[attr-defined]
    pywintypes.IID = _no_com  # type: ignore[attr-defined]
    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None  # type: ignore[attr-defined]
    pythoncom.IID_IDispatch = None  # type: ignore[attr-defined]
    pythoncom.CoMarshalInterThreadInterfaceInStream = _no_com  # type: ignore[attr-defined]
    pythoncom.CoGetInterfaceAndReleaseStream = _no_com  # type: ignore[attr-defined]
    win32com = types.ModuleType("win32com")
    win32com.__path__ = []  # a package
    client = types.ModuleType("win32com.client")
    client.Dispatch = _no_com  # type: ignore[attr-defined]
    win32com.client = client  # type: ignore[attr-defined]
    return {"pywintypes": pywintypes, "pythoncom": pythoncom, "win32com": win32com, "win32com.client": client}


@contextlib.contextmanager
def _xlwings_udfs() -> Iterator[types.ModuleType]:
    """A fresh ``xlwings.udfs`` imported over stand-in pywin32 modules; afterwards
    ``sys.modules`` and the ``xlwings`` package are as they were."""
    import xlwings  # noqa: PLC0415 - lazily: importing this module stays cheap

    stubs = _stub_modules()
    names = ("xlwings.udfs", *stubs)
    missing = object()
    saved = {n: sys.modules.get(n, missing) for n in names}
    attr = xlwings.__dict__.get("udfs", missing)
    for n in names:
        sys.modules.pop(n, None)
    sys.modules.update(stubs)
    try:
        yield importlib.import_module("xlwings.udfs")
    finally:
        for n, old in saved.items():
            if old is missing:
                sys.modules.pop(n, None)
            else:
                sys.modules[n] = old  # type: ignore[assignment]
        if attr is missing:
            xlwings.__dict__.pop("udfs", None)
        else:
            xlwings.udfs = attr  # type: ignore[attr-defined]


def _registered(xlfunc: Callable[..., Any], module: types.ModuleType) -> types.ModuleType:
    """A stand-in of ``module`` whose UDFs are copies registered by xlwings' ``xlfunc``, as
    ``@xw.func`` registers the originals on Windows (same names, signatures, hints, help)."""
    from addin.cells import UDFS  # noqa: PLC0415

    ours = {id(f) for f in UDFS.values()}
    copy = types.ModuleType(module.__name__, module.__doc__)
    copy.__file__ = getattr(module, "__file__", None)
    for attr in dir(module):
        func = getattr(module, attr)
        if id(func) not in ours:
            continue

        @functools.wraps(func)
        def call(*args: Any, _func: Callable[..., Any] = func) -> Any:
            return _func(*args)

        call.__dict__.pop("__xlfunc__", None)  # registered afresh below, never shared
        setattr(copy, attr, xlfunc(call))
    return copy


class _Components:
    def __init__(self) -> None:
        self.imported: bytes | None = None

    def __call__(self, name: str) -> Any:
        raise _ComError(f"no module {name} yet")  # as in a workbook never imported into

    def Remove(self, component: Any) -> None:  # noqa: N802 - the COM method's name
        raise _ComError("nothing to remove")

    def Import(self, filename: str) -> None:  # noqa: N802
        self.imported = Path(filename).read_bytes()


class _Application:
    Version = "16.0"  # Excel 2016 and later (Microsoft 365): the MacroOptions branch >= 14

    def __init__(self) -> None:
        self.calls: list[MacroOptionsCall] = []

    def MacroOptions(self, macro: str, **kw: Any) -> None:  # noqa: N802
        self.calls.append(
            MacroOptionsCall(
                macro, kw["Description"], kw.get("Category"), tuple(kw.get("ArgumentDescriptions") or ())
            )
        )

    def Run(self, *_: Any) -> None:  # noqa: N802
        raise _ComError("Application.Run is not available")


class _Workbook:
    """What ``import_udfs`` uses of the workbook it is given, recording what it is asked."""

    def __init__(self, name: str) -> None:
        self.Name = name  # noqa: N815
        self.components = _Components()
        self.VBProject = types.SimpleNamespace(VBComponents=self.components)  # noqa: N815
        self.Application = _Application()  # noqa: N815


def import_functions(
    workbook_name: str = DEFAULT_WORKBOOK, module_names: str = UDF_MODULES
) -> ImportedFunctions:
    """Run xlwings' own *Import Functions* (``xlwings.udfs.import_udfs``) over our UDF modules.

    ``workbook_name`` is the ``.xlsm`` the functions are imported into (an ``.xlam``
    add-in gets ``ActiveWorkbook`` in place of ``ThisWorkbook``).  Two things differ
    from Excel: the modules are handed to ``import_udfs`` already registered (on
    Windows ``get_udf_module`` imports them, and ``@xw.func`` registers them), and
    xlwings PRO's embedded-code lookup is skipped (it reads the workbook's sheets;
    our functions are a package, not embedded code).
    """
    workbook = _Workbook(workbook_name)
    with _xlwings_udfs() as xu:
        for name in module_names.split(";"):
            module = _registered(xu.xlfunc, importlib.import_module(name))
            xu.udf_modules[name] = {"filename": module.__file__, "filetime": None, "module": module}
        quiet = logging.Logger("xlwings.udfs.offline")  # not registered: no global handler
        quiet.addHandler(logging.NullHandler())
        vars(xu).update(__pro__=False, logger=quiet)  # globals import_udfs reads
        with contextlib.redirect_stdout(io.StringIO()):
            xu.import_udfs(module_names, workbook)
        functions = {
            attr: f
            for name in module_names.split(";")
            for attr, f in vars(xu.udf_modules[name]["module"]).items()
            if hasattr(f, "__xlfunc__")
        }
    if workbook.components.imported is None:
        raise RuntimeError("xlwings' import_udfs did not import a module")
    return ImportedFunctions(
        workbook.components.imported.decode(), tuple(workbook.Application.calls), functions
    )


@functools.lru_cache(maxsize=4)
def xlwings_udfs_code(workbook_name: str = DEFAULT_WORKBOOK) -> str:
    """The text of the ``xlwings_udfs`` module *Import Functions* writes for the installed
    ``addin.udfs`` (cached: the UDFs do not change while a process runs)."""
    return import_functions(workbook_name).text


def identifiers(text: str) -> list[str]:
    """The identifiers a VBA module declares in its procedure headers: each ``Function`` /
    ``Sub`` name and its parameter names, in order."""
    import re  # noqa: PLC0415

    found = []
    for m in re.finditer(r"^\s*(?:Function|Sub)\s+(\w+)\(([^)]*)\)", text, re.M):
        found.append(m[1])
        for param in filter(None, (p.strip() for p in m[2].split(","))):
            words = param.replace("()", "").split()
            found.append(words[-1])
    return found
