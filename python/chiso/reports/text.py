"""Text that is safe to hand to a spreadsheet. A CSV cell starting with ``=``, ``+``, ``-`` or ``@``
(or a tab or carriage return) is read by Excel and LibreOffice as a formula: a unit's name, note or
evidence could then run ``=HYPERLINK(…)`` or DDE in the council's copy. Report CSVs write such a
text with a leading apostrophe (``'=…``), which spreadsheets show as the text itself. (The .xlsx
writers need no such mark: they write every text as a text cell.)"""
from __future__ import annotations

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
