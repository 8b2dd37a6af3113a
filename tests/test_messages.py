"""The message catalogue (``addin.messages``) is one, shared by the UDFs and the brief, and
the UDF layer reaches it without the brief's renderer.

That every code has an English and a Japanese template is checked in
``tests/test_negotiation_brief.py`` (beside the brief's labels); here, that the catalogue
it checks is the one the UDFs and the brief say codes with.
"""

from __future__ import annotations

import subprocess
import sys

from addin import messages
from addin.render import brief, brief_messages
from addin.udfs import negotiation
from calculators.negotiation import Note


def test_the_udfs_and_the_brief_say_codes_with_one_catalogue():
    assert negotiation.say is messages.say and brief.say is messages.say
    assert not hasattr(brief_messages, "MESSAGES") and not hasattr(brief_messages, "say")
    assert brief.LANGS is messages.LANGS


def test_the_catalogue_and_the_brief_labels_have_the_same_languages():
    assert tuple(messages.MESSAGES) == messages.LANGS == ("en", "ja")
    assert tuple(brief_messages.LABELS) == tuple(brief_messages.COMPONENTS) == messages.LANGS


def test_a_code_is_said_in_each_language():
    note = Note("market_small_sample", {"n": 3, "least": 5})
    assert messages.say(note) == "small sample: 3 comparable rows (fewer than 5)"
    assert messages.say(note, "ja") == "サンプルが少ない：比較可能な行が 3 件（5 件未満）"


def test_importing_the_udfs_imports_no_renderer():
    code = "import sys, addin.udfs; print(sorted(m for m in sys.modules if m.startswith('addin.render')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert (out.returncode, out.stdout.strip()) == (0, "[]"), out.stderr
