"""chiso (chỉ số): scored indices over criteria trees.

The PAR index (Chỉ số cải cách hành chính), the service index, satisfaction surveys and
composite indicators, computed by a C++ core. Load a model, evaluate a DataFrame, read the
results as DataFrames::

    import chiso
    model = chiso.load_model("examples/models/hanoi-par-district-2023.json")
    result = model.evaluate(inputs, applicable=applies, groups=unit_groups)
    result.scores          # index, rank, band, group per unit
"""
from __future__ import annotations

try:
    from . import _core
except ImportError as error:  # pragma: no cover - only when the extension was not built
    raise ImportError(
        "chiso's compiled core (chiso._core) could not be imported. Install the package with "
        "`pip install .` from the source tree (it builds the extension), not by adding python/ to "
        f"the path. Cause: {error}"
    ) from error

from .errors import (ArgumentTypeError, ChisoError, DataError, InputWarning, ModelError, ParameterError,
                     UnknownKeyError)
from .model import Model, inner, leaf, load_model, rules
from .result import Result
from . import analysis, assessment, models, reports, sensitivity  # noqa: E402 - toolkits: composite, PAR workflow, bundled models, reports, UA/SA
from .assessment import Assessment, Survey, YearOverYear
from .store import StoreError  # the record store's errors (chiso.store needs the sql extra only when used)

__version__: str = _core.__version__

__all__ = [
    "ArgumentTypeError",
    "Assessment",
    "ChisoError",
    "DataError",
    "InputWarning",
    "Model",
    "ModelError",
    "ParameterError",
    "StoreError",
    "Result",
    "UnknownKeyError",
    "__version__",
    "analysis",
    "inner",
    "leaf",
    "load_model",
    "models",
    "rules",
    "reports",
    "sensitivity",
    "Survey",
    "YearOverYear",
    "assessment",
]
