"""Build step of the package; everything else is declared in ``pyproject.toml``.

The example workbook has one committed copy, ``workbook/negotiation.xlsm``.  A wheel
must carry it (``negotiate compare`` reads it from any folder), so building the
package copies that file to ``addin/data/negotiation.xlsm`` in the build tree, where
:func:`addin.paths.example_workbook` finds it.  An editable install skips the copy:
it runs from the source tree and reads the committed file itself.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
WORKBOOK = HERE / "workbook" / "negotiation.xlsm"
PACKAGED = Path("addin") / "data" / "negotiation.xlsm"  # addin.paths.PACKAGED_WORKBOOK


class BuildWithWorkbook(build_py):
    """``build_py`` that also puts the committed example workbook into the package."""

    def _ships_workbook(self) -> bool:
        return not getattr(self, "editable_mode", False)

    def run(self) -> None:
        super().run()
        if self._ships_workbook():
            target = Path(self.build_lib) / PACKAGED
            self.mkpath(str(target.parent))
            self.copy_file(str(WORKBOOK), str(target), preserve_mode=False)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if self._ships_workbook():
            outputs.append(str(Path(self.build_lib) / PACKAGED))
        return outputs


setup(cmdclass={"build_py": BuildWithWorkbook})
