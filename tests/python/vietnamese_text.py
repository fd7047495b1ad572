"""Vietnamese text as Windows exports it, for the tests of file encodings."""
from __future__ import annotations

import unicodedata

TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 writes Vietnamese: letters precomposed up to their tone mark, which
    follows as a combining character (ế → ê + U+0301), as Vietnamese Windows and Excel do."""
    letters = []
    for letter in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", letter)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        letters.append(base + "".join(c for c in parts if c in TONE_MARKS))
    return "".join(letters).encode("cp1258")
