"""
Ranks from per-group value counts (chiso.dask)
"""
from __future__ import annotations
import chiso._core
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['ordinal_places', 'rank_value_counts', 'rounding_digits', 'tie_rule']
def ordinal_places(names: collections.abc.Sequence[str]) -> numpy.typing.NDArray[numpy.int32]:
    """Places 1…n of tied units in the ordinal order (by name, then position)."""
def rank_value_counts(model: chiso._core.Model, values: typing.Any, counts: typing.Any) -> numpy.typing.NDArray[numpy.int32]:
    """Rank of the first unit holding each distinct value of one group, under the model's tie rule."""
def rounding_digits(model: chiso._core.Model) -> int:
    ...
def tie_rule(model: chiso._core.Model) -> str:
    ...
