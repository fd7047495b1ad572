"""
Uncertainty and sensitivity analysis (issue 6)
"""
from __future__ import annotations
import chiso._core
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['CompositeAnalysis', 'estimate_sobol', 'quantile', 'random_sample', 'rank_descending_min', 'saltelli_sample', 'whatif_rank_gains', 'whatif_smallest_lift']
class CompositeAnalysis:
    def __init__(self, hierarchy: collections.abc.Sequence[dict], data: typing.Any, units: collections.abc.Sequence[str], assumptions: collections.abc.Sequence[dict], groups: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex] = []) -> None:
        ...
    def nominal_scores(self) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, n]"]:
        ...
    def sensitivity(self, N: typing.SupportsInt | typing.SupportsIndex, seed: typing.SupportsInt | typing.SupportsIndex = 1, threads: typing.SupportsInt | typing.SupportsIndex = 0, target: str = '', keep_replications: bool = False, score_statistics: bool = True, output: str = 'mean_abs_rank_shift', output_unit: str = '', bootstrap: typing.SupportsInt | typing.SupportsIndex = 0, lower_p: typing.SupportsFloat | typing.SupportsIndex = 0.05, upper_p: typing.SupportsFloat | typing.SupportsIndex = 0.95) -> dict:
        ...
    def uncertainty(self, replications: typing.SupportsInt | typing.SupportsIndex, seed: typing.SupportsInt | typing.SupportsIndex = 1, threads: typing.SupportsInt | typing.SupportsIndex = 0, target: str = '', keep_replications: bool = False, score_statistics: bool = True, output: str = 'mean_abs_rank_shift', output_unit: str = '', lower_p: typing.SupportsFloat | typing.SupportsIndex = 0.05, upper_p: typing.SupportsFloat | typing.SupportsIndex = 0.95) -> dict:
        ...
    @property
    def codes(self) -> list[str]:
        ...
    @property
    def dimensions(self) -> int:
        ...
    @property
    def units(self) -> int:
        ...
def estimate_sobol(y: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], N: typing.SupportsInt | typing.SupportsIndex, d: typing.SupportsInt | typing.SupportsIndex, bootstrap: typing.SupportsInt | typing.SupportsIndex = 0, seed: typing.SupportsInt | typing.SupportsIndex = 0, lower_p: typing.SupportsFloat | typing.SupportsIndex = 0.05, upper_p: typing.SupportsFloat | typing.SupportsIndex = 0.95, threads: typing.SupportsInt | typing.SupportsIndex = 0) -> dict:
    """
    First-order (Saltelli 2010) and total (Jansen 1999) indices from outputs of the N(d+2) design.
    """
def quantile(values: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], p: typing.SupportsFloat | typing.SupportsIndex) -> float:
    """
    R's type-7 quantile, NaN dropped.
    """
def random_sample(N: typing.SupportsInt | typing.SupportsIndex, d: typing.SupportsInt | typing.SupportsIndex, seed: typing.SupportsInt | typing.SupportsIndex) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, n]"]:
    """
    N × d uniforms in [0,1); row r from the counter-based stream (seed, r).
    """
def rank_descending_min(score: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> numpy.typing.NDArray[numpy.int32]:
    """
    R's rank(-score, ties = 'min'); NaN gets 0 (not ranked).
    """
def saltelli_sample(N: typing.SupportsInt | typing.SupportsIndex, d: typing.SupportsInt | typing.SupportsIndex, seed: typing.SupportsInt | typing.SupportsIndex) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, n]"]:
    """
    The N(d+2) × d design [A; B; A_B^1; …; A_B^d] (COINr's SA_sample).
    """
def whatif_rank_gains(model: chiso._core.Model, values: typing.Annotated[numpy.typing.ArrayLike, numpy.float64, "[m, n]"], unit: typing.SupportsInt | typing.SupportsIndex, unit_ids: collections.abc.Sequence[str] = [], groups: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex] | None = None, applicable: typing.Annotated[numpy.typing.ArrayLike, numpy.bool, "[m, n]"] | None = None, step: typing.SupportsFloat | typing.SupportsIndex | None = None, include_adjustments: bool = True) -> list:
    ...
def whatif_smallest_lift(model: chiso._core.Model, values: typing.Annotated[numpy.typing.ArrayLike, numpy.float64, "[m, n]"], unit: typing.SupportsInt | typing.SupportsIndex, rank: typing.SupportsInt | typing.SupportsIndex | None = None, band: str | None = None, unit_ids: collections.abc.Sequence[str] = [], groups: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex] | None = None, applicable: typing.Annotated[numpy.typing.ArrayLike, numpy.bool, "[m, n]"] | None = None, step: typing.SupportsFloat | typing.SupportsIndex | None = None, include_adjustments: bool = True) -> dict:
    ...
