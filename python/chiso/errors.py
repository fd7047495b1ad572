"""Errors raised by chiso.

Every error names where the input broke, in its message and in attributes:

- ``ModelError.path``: the JSON path of the offending value (``/root/children/2/rule/tiers/1/min``);
- ``DataError.unit`` and ``DataError.criterion``: the unit and the criterion (or node), and
  ``DataError.source`` the file and line or record when the data came from a file;
- ``id``: a stable identifier such as ``model.tiers_order`` or ``data.range``.

:class:`InputWarning` flags inputs that are valid but look like a mistake (percentages typed as
fractions); filter it with ``warnings.simplefilter("ignore", chiso.InputWarning)``.
"""
from __future__ import annotations

from typing import Any, Optional

__all__ = ["ChisoError", "ModelError", "DataError", "ParameterError", "InputWarning"]


class ChisoError(Exception):
    """Base of every chiso error."""

    id: str = "chiso"

    def __init__(self, message: str, **attributes: Any) -> None:
        super().__init__(message)
        for name, value in attributes.items():
            setattr(self, name, value)


class ModelError(ChisoError, ValueError):
    """A model (file, JSON text, dict or built in code) that breaks the model format."""

    path: str = "/"


class DataError(ChisoError, ValueError):
    """Inputs or records that the model cannot take."""

    unit: Optional[str] = None
    criterion: Optional[str] = None
    source: Optional[str] = None


class ParameterError(ChisoError, ValueError):
    """Parameters of an analysis step that cannot be used."""


class InputWarning(UserWarning):
    """Inputs that the model takes but that look like a mistake; ``criterion`` names the column."""

    criterion: Optional[str] = None

    def __init__(self, message: str, criterion: Optional[str] = None) -> None:
        super().__init__(message)
        self.criterion = criterion
