"""Text that is safe to hand to a spreadsheet. A CSV cell starting with ``=``, ``+``, ``-`` or ``@``
(or a tab or carriage return) is read by Excel and LibreOffice as a formula: a unit's name, note or
evidence could then run ``=HYPERLINK(…)`` or DDE in the council's copy. Report CSVs write such a
text with a leading apostrophe (``'=…``), which spreadsheets show as the text itself. (The .xlsx
writers need no such mark: they write every text as a text cell.)"""
from __future__ import annotations

import re
from typing import Any

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text that a spreadsheet would read as a formula, prefixed with an apostrophe; anything
    else (numbers, missing values, other texts) as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (in object or string columns) are neutralised; number
    columns are left alone (−0.5 is a number, not a formula)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype.kind in "OSU" or str(out[column].dtype) == "string":
            out[column] = out[column].map(neutralise)
    return out


# Characters no document format can hold: C0 controls but tab, newline and carriage return (XML
# 1.0 forbids them), and lone surrogates (no UTF-8 for them).
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with each character no .xlsx, .docx or .html can hold replaced by U+FFFD (�), so
    that a stray control character in a note (which the assessment refuses at the door) can never
    break a report."""
    return _UNWRITABLE.sub("\ufffd", text)
