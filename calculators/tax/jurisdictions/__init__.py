"""Jurisdiction modules; importing this package registers every one of them."""

from importlib import import_module

_MODULES = ("jp_tokyo", "us", "gb_eng", "il", "de", "ca_on")

for _name in _MODULES:
    try:
        import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as exc:  # a module not written yet
        if exc.name != f"{__name__}.{_name}":
            raise
