"""Reports people read: the official scoring table (bảng điểm) of every unit as an Excel workbook
or a Word document, and a self-contained HTML report with the ranking, charts and a page per unit::

    import chiso
    chiso.reports.write(assessment, "bang-diem.xlsx")               # or .docx, .html
    chiso.reports.write(assessment, "report.html", language="en", previous=last_year)

An :class:`chiso.Assessment` gives the full table (self-assessed and appraised points, evidence,
reasons); a :class:`chiso.Result` gives the achieved points only. Numbers are written with the
model's decimals, rounded half up on their decimal value.
"""
from __future__ import annotations

import contextlib
import datetime
import gc
import os
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence, Union

from ..errors import ParameterError
from ..io import atomic_path
from .data import Report, build
from .i18n import LANGUAGES, check_language, format_number, rounded

__all__ = ["LANGUAGES", "Report", "build", "format_number", "rounded", "write"]

_WRITERS = {".xlsx": "excel", ".docx": "word", ".html": "html", ".htm": "html"}


def write(source: Any, path: Union[str, "os.PathLike[str]"], *, language: str = "vi", previous: Any = None,
          title: Optional[str] = None, issuer: Optional[str] = None, place: Optional[str] = None,
          signed_on: Optional[datetime.date] = None, signers: Optional[Sequence[str]] = None) -> Path:
    """Write the report of ``source`` (a :class:`chiso.Assessment` or a :class:`chiso.Result`) to
    ``path``; the format follows the extension: ``.xlsx`` (Excel), ``.docx`` (Word), ``.html``.
    ``language``: ``"vi"`` (default) or ``"en"``. ``previous``: the same kind of object for an
    earlier period, for the year-over-year columns.

    The official document's elements: ``title`` (default: the result of the model's index for the
    period, "Kết quả Chỉ số cải cách hành chính năm 2025"), ``issuer`` (the issuing body, above the
    title and in Excel's page header; default: the model's ``meta.issuer``), ``place`` and
    ``signed_on`` (the place and date line, "Hà Nội, ngày … tháng … năm …"; default: the model's
    ``meta.place`` and a date left blank to write by hand) and ``signers`` (who signs, one column
    each; default: the preparer and the head of the body). Returns the path written."""
    path = Path(path)
    check_language(language)
    kind = _WRITERS.get(path.suffix.lower())
    if kind is None:
        raise ParameterError(f"{path}: unknown report format {path.suffix!r} "
                             f"(expected one of {sorted(_WRITERS)})", id="report.format")
    if signed_on is not None and not isinstance(signed_on, datetime.date):
        raise ParameterError(f"signed_on must be a datetime.date, got {type(signed_on).__name__}",
                             id="report.option")
    # Whole or not at all: written beside the target and renamed over it at the end.
    with _without_cyclic_gc(), atomic_path(path) as temporary:
        _write(source, temporary, kind, language, previous, title, issuer, signed_on, place, signers)
    return path


@contextlib.contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Writing a report makes a few hundred thousand small objects (one or more per cell) and no
    reference cycles worth collecting on the way; the cyclic collector's passes over them cost a
    fifth to a third of the time. It is paused while the report is written (reference counting
    still frees everything) and resumed after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _write(source: Any, path: Path, kind: str, language: str, previous: Any, title: Optional[str],
           issuer: Optional[str], signed_on: Optional[datetime.date], place: Optional[str],
           signers: Optional[Sequence[str]]) -> Path:
    report = build(source, previous)
    for name, value in (("custom_title", title), ("issuer", issuer), ("place", place)):
        if value is not None:
            if not isinstance(value, str):
                raise ParameterError(f"{name.replace('custom_', '')} must be a text, got {type(value).__name__}",
                                     id="report.option")
            setattr(report, name, value)
    if signed_on is not None:
        report.signed_on = signed_on
    if signers is not None:
        report.signers = [str(s) for s in signers]
    if kind == "excel":
        from .excel import write_excel
        return write_excel(report, path, language)
    if kind == "word":
        from .word import write_word
        return write_word(report, path, language)
    from .html import write_html
    return write_html(report, path, language)
