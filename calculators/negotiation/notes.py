"""Messages as data: :class:`~calculators.notes.Note` records, a code and its parameters.

The brief's warnings, flags and refusals are notes; the add-in says each code in
the user's language.  The record lives in :mod:`calculators.notes` (below this
package, so that :mod:`calculators.market` gives its warnings as notes too) and
is re-exported here.
"""

from __future__ import annotations

from calculators.notes import TEXT, Note, note_of

__all__ = ["Note", "note_of", "TEXT"]
