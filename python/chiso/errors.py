"""Errors raised by chiso.

Every error names where the input broke, in its message and in attributes:

- ``ModelError.path``: the JSON path of the offending value (``/root/children/2/rule/tiers/1/min``);
- ``DataError.unit`` and ``DataError.criterion``: the unit and the criterion (or node), and
  ``DataError.source`` the file and line or record when the data came from a file;
- ``id``: a stable identifier such as ``model.tiers_order`` or ``data.range``; the message starts
  with it in brackets (``[chiso.data.range] …``).

Every chiso error is a ``ValueError`` (the C++ base is ``std::invalid_argument``): the input is at
fault. :class:`UnknownKeyError` is also a ``KeyError`` (a name that is not there), and
:class:`ArgumentTypeError` a ``TypeError`` (an argument of the wrong kind).

:class:`InputWarning` flags inputs that are valid but look like a mistake (percentages typed as
fractions); filter it with ``warnings.simplefilter("ignore", chiso.InputWarning)``.
"""
from __future__ import annotations

from typing import Any, Optional

__all__ = ["ChisoError", "ModelError", "DataError", "ParameterError", "UnknownKeyError", "ArgumentTypeError",
           "InputWarning"]


class ChisoError(ValueError):
    """Base of every chiso error.

    ``ChisoError("what went wrong", id="data.groups", unit=…)`` builds the message
    ``[chiso.data.groups] what went wrong`` (the one place the prefix is written in Python) and
    keeps the keyword arguments as attributes. Errors coming from the C++ core arrive with their
    message already prefixed and their id set."""

    id: str = "chiso"

    def __init__(self, message: str, *, id: Optional[str] = None, **attributes: Any) -> None:
        if id is not None:
            self.id = id
            if not message.startswith("[chiso.") and f"[chiso.{id}]" not in message:
                message = f"[chiso.{id}] {message}"
        super().__init__(message)
        for name, value in attributes.items():
            setattr(self, name, value)

    def __str__(self) -> str:  # the message as given (KeyError would quote it)
        return str(self.args[0]) if self.args else ""


class ModelError(ChisoError):
    """A model (file, JSON text, dict or built in code) that breaks the model format."""

    path: str = "/"


class DataError(ChisoError):
    """Inputs or records that the model cannot take."""

    unit: Optional[str] = None
    criterion: Optional[str] = None
    source: Optional[str] = None


class ParameterError(ChisoError):
    """Parameters of an analysis step that cannot be used."""


class UnknownKeyError(DataError, KeyError):
    """A column, unit or criterion asked for by name that is not there (also a ``KeyError``)."""


class ArgumentTypeError(ParameterError, TypeError):
    """An argument of a kind chiso cannot take (also a ``TypeError``)."""


class InputWarning(UserWarning):
    """Inputs that the model takes but that look like a mistake; ``criterion`` names the column."""

    criterion: Optional[str] = None

    def __init__(self, message: str, criterion: Optional[str] = None) -> None:
        super().__init__(message)
        self.criterion = criterion
