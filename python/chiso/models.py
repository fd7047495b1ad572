"""The models bundled with chiso (the files of examples/models, shipped in the wheel)::

    import chiso
    chiso.models.names()                        # ['hanoi-par-commune-2025', ...]
    model = chiso.models.load("service-index-766")   # or chiso.load_model("service-index-766")
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, List

from .errors import ModelError

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

__all__ = ["names", "load", "path", "file_of", "data_dir", "sample_dir", "schema_path"]

_PACKAGE = Path(__file__).resolve().parent
_SOURCE_TREE = _PACKAGE.parents[1]  # python/chiso → the repository, when run from the sources


def data_dir() -> Path:
    """The folder of the bundled files: chiso/_data in an installed package, else the source tree's
    examples/ (models/ and the demo's sample data)."""
    installed = _PACKAGE / "_data"
    if (installed / "models").is_dir():
        return installed
    return _SOURCE_TREE / "examples"


def _models_dir() -> Path:
    return data_dir() / "models"


def sample_dir() -> Path:
    """The demo's sample data (SYNTHETIC): units, records and surveys of the Hanoi sample."""
    base = data_dir()
    return base / "sample" if (base / "sample").is_dir() else base / "data"


def schema_path() -> Path:
    """The JSON Schema of the model file (chiso-model-1.schema.json)."""
    installed = _PACKAGE / "_data" / "chiso-model-1.schema.json"
    return installed if installed.is_file() else _SOURCE_TREE / "schema" / "chiso-model-1.schema.json"


def names() -> List[str]:
    """The ids of the bundled models, sorted."""
    return sorted(p.stem for p in _models_dir().glob("*.json"))


def path(name: str) -> Path:
    """The file of a bundled model; an unknown name is a ModelError listing the known ones."""
    file = _models_dir() / f"{name}.json"
    if not file.is_file():
        raise ModelError(f"no bundled model {name!r} (bundled: {', '.join(names())})",
                         id="model.unknown", path="/")
    return file


def file_of(argument: str) -> Path:
    """A model named as the command line and :func:`chiso.load_model` take it: a file (a path with
    a folder or ending in .json must be one), or else the id of a bundled model."""
    file = Path(argument)
    if file.is_file() or argument.endswith(".json") or any(sep and sep in argument for sep in (os.sep, os.altsep)):
        if not file.is_file():
            raise ModelError(f"{argument}: no such file (bundled models: `chiso models`, chiso.models.names())",
                             id="model.open", path="/", file=argument)
        return file
    if argument not in names():
        raise ModelError(f"{argument!r}: no such file, nor a bundled model (bundled: {', '.join(names())})",
                         id="model.unknown", path="/", file=argument)
    return path(argument)


def load(name: str) -> "Model":
    """A bundled model by its id, e.g. ``load("service-index-766")``."""
    from .model import load_model
    return load_model(path(name))
