"""Results of an evaluation as pandas objects (views of the C++ buffers where possible)."""
from __future__ import annotations

from typing import Any, Optional, Union

import numpy as np
import pandas as pd

from .errors import ParameterError, UnknownKeyError

__all__ = ["Result"]

_FIELDS = ("points", "max", "score")


def _categorical(codes: np.ndarray, categories: Any) -> pd.Categorical:
    """A Categorical of its own codes (pandas keeps int32 codes of many categories as given)."""
    table = pd.Categorical.from_codes(codes, categories=categories)
    return table.copy() if np.may_share_memory(table.codes, codes) else table


class Result:
    """Scores of every unit: ``scores`` (index, rank, band, group), per-node ``points``, ``max``
    and ``score`` (wide, units × nodes) and ``nodes`` (tidy: unit, node, points, max, score)."""

    # Slots: a __dict__ only when something else is set (Assessment.evaluate sets unit_names), not
    # for each of the results of a unit scored in a loop.
    __slots__ = ("_core", "_units", "model", "_group_codes", "_group_labels", "_wide", "__dict__")

    # Positional or keyword arguments (Model.evaluate passes them by position: keywords cost a unit
    # scored in a loop 0.4 µs).
    def __init__(self, core: Any, units: Union[pd.Index, range], group_codes: Optional[np.ndarray],
                 group_labels: Optional[pd.Index], model: Any) -> None:  # the chiso.Model that scored it
        self._core = core
        self._units = units  # row numbers stay a range until asked for (one-unit calls in a loop)
        self.model = model
        self._group_codes = group_codes
        self._group_labels = group_labels
        self._wide: Optional[dict] = None  # field → its DataFrame, made when first read

    def __getstate__(self) -> dict:
        # Not the wide tables: views of the C++ result's memory, made again from the unpickled one.
        state = dict(self.__dict__)
        state.update((name, getattr(self, name)) for name in self.__slots__ if name not in ("_wide", "__dict__"))
        return state

    def __setstate__(self, state: dict) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self._wide = None

    @property
    def units(self) -> pd.Index:
        """The unit ids, in the rows' order (the data's index, ``units=``, or 0, 1, …)."""
        if isinstance(self._units, range):
            self._units = pd.RangeIndex(self._units.start, self._units.stop, name="unit")
        return self._units

    @property
    def node_ids(self) -> list:
        """The nodes kept in this result, bottom-up (children before parents, the root last)."""
        return list(self._core.node_ids)

    @property
    def scores(self) -> pd.DataFrame:
        """One row per unit: ``index`` (rounded as the model says), ``rank`` (within the group, or
        across all units, as the model says; <NA> when nothing applies), ``band`` and ``group``."""
        ranks = np.asarray(self._core.rank)
        rank = pd.arrays.IntegerArray(ranks.copy(), ranks == 0)  # 0: not ranked (<NA>), set in one step
        labels = [label for _, label in self.model.bands]
        band_codes = np.asarray(self._core.band)
        # No bands: every code is -1 (none), without a Python object per unit.
        band = _categorical(band_codes if labels else np.full(len(band_codes), -1, dtype=np.int8), labels)
        # Each column made here once (the index copied from the result's buffer: the table is the
        # caller's to change), then taken by the DataFrame as it is: pandas' default copies each
        # column again and stacks them.
        columns = {"index": np.array(self._core.index, dtype=np.float64), "rank": rank, "band": band}
        if self._group_codes is not None:
            columns["group"] = _categorical(self._group_codes, self._group_labels)
        return pd.DataFrame(columns, index=self.units, copy=False)

    @property
    def raw_index(self) -> pd.Series:
        """The index before rounding (after clamping, when the model clamps)."""
        return pd.Series(self._core.raw_index, index=self.units, name="raw_index")

    def wide(self, field: str = "points") -> pd.DataFrame:
        """``points``, ``max`` or ``score`` as a units × nodes DataFrame (a view, no copy), made
        when first read (for many units, the nodes are scored then) and the same object after."""
        if field not in _FIELDS:
            raise ParameterError(f"Result.wide: field must be one of {_FIELDS}, got {field!r}", id="parameter.field")
        if self._wide is None:
            self._wide = {}
        table = self._wide.get(field)
        if table is None:
            table = self._wide[field] = pd.DataFrame(getattr(self._core, field), index=self.units,
                                                     columns=pd.Index(self._core.node_ids, name="node"), copy=False)
        return table

    @property
    def points(self) -> pd.DataFrame:
        return self.wide("points")

    @property
    def max(self) -> pd.DataFrame:
        return self.wide("max")

    @property
    def score(self) -> pd.DataFrame:
        return self.wide("score")

    @property
    def nodes(self) -> pd.DataFrame:
        """Tidy table: one row per unit and node, with columns unit, node, points, max, score."""
        node_ids = np.asarray(self._core.node_ids, dtype=object)
        units = np.asarray(self.units, dtype=object)
        n_units, n_nodes = len(units), len(node_ids)
        return pd.DataFrame({
            "unit": np.tile(units, n_nodes),
            "node": np.repeat(node_ids, n_units),
            # Column-major buffers: ravel in Fortran order is a view.
            "points": np.asarray(self._core.points).ravel(order="F"),
            "max": np.asarray(self._core.max).ravel(order="F"),
            "score": np.asarray(self._core.score).ravel(order="F"),
        })

    def to_arrow(self, table: str = "scores") -> Any:
        """A table as a pyarrow Table: ``"scores"`` (unit, index, rank, band, group) or
        ``"points"``, ``"max"``, ``"score"`` (unit, then one column per node)."""
        from . import _arrow
        if table == "scores":
            return _arrow.scores_table(self)
        if table not in _FIELDS:
            raise ParameterError(f"Result.to_arrow: table must be 'scores' or one of {_FIELDS}, got {table!r}",
                                 id="parameter.field")
        return _arrow.wide_table(self, table)

    def explain(self, unit: Any) -> pd.DataFrame:
        """Why a unit lost points: its criteria (leaves) with their area, rule (in words), points,
        max, score and points lost (max − points), the largest loss first (the C++ table that
        ``Assessment.why_lost`` also shows). Criteria that do not apply to the unit (max 0) are
        left out; deductions show as negative points."""
        if unit not in self.units:
            raise UnknownKeyError(f"unit {unit!r} is not in this result", id="data.unknown_unit", unit=str(unit))
        row = self.units.get_loc(unit)
        return pd.DataFrame(self._core.losses(self.model._core, int(row))).set_index("criterion")

    def __repr__(self) -> str:
        return f"<chiso.Result of {self.model.id!r}: {len(self.units)} units, {len(self.node_ids)} nodes>"

    def _repr_html_(self) -> str:
        from .reports.notebook import show  # rounded as the model says
        return show(self.scores, self.model)._repr_html_()

    # Plots (matplotlib imported only when asked) ------------------------------------------------
    def plot_ranking(self, ax: Any = None, *, areas: Optional[list] = None, **kwargs: Any) -> Any:
        """Bar chart of the index by unit, highest first, stacked by area."""
        from .plotting import plot_ranking
        return plot_ranking(self, ax=ax, areas=areas, **kwargs)

    def plot_profile(self, unit: Any, ax: Any = None, *, kind: str = "bar", areas: Optional[list] = None,
                     **kwargs: Any) -> Any:
        """One unit's score (0–100 %) in each area, as bars or a radar."""
        from .plotting import plot_profile
        return plot_profile(self, unit, ax=ax, kind=kind, areas=areas, **kwargs)
