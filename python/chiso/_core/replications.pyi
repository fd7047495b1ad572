"""
Blocks of uncertainty/sensitivity replications (chiso.dask)
"""
from __future__ import annotations
import chiso._core.sensitivity
import typing
__all__: list[str] = ['run_rows']
def run_rows(analysis: chiso._core.sensitivity.CompositeAnalysis, rows: typing.Any, seed: int, target: str = '', output: str = 'mean_abs_rank_shift', output_unit: str = '', threads: int = 1) -> dict:
    """Runs the given rows of a sample (a block of the full design)."""
