"""Plots of results (matplotlib, imported only here)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Optional

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .result import Result


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("chiso's plots need matplotlib: pip install 'chiso[plot]'") from error
    return plt


def _areas(result: "Result", areas: Optional[List[str]]) -> List[str]:
    """The root's children, unless the caller names the areas."""
    if areas is not None:
        return list(areas)
    nodes = result.model.nodes()
    root = nodes.index[nodes["parent"].isna()][0]
    return [node for node in nodes.index[nodes["parent"] == root] if node in result.node_ids]


def plot_ranking(result: "Result", ax: Any = None, areas: Optional[List[str]] = None, **kwargs: Any) -> Any:
    """The index by unit, sorted, as bars stacked by each area's share of the index."""
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6, 0.35 * len(result.units)), 4))
    scores = result.scores
    order = scores["index"].sort_values(ascending=False, kind="stable").index
    area_ids = _areas(result, areas)
    points = result.points.loc[order, area_ids]
    # Each area's contribution to the index: its points over the unit's adjusted maximum.
    root = result.node_ids[-1]
    root_max = result.max.loc[order, root].to_numpy()
    share = points.to_numpy() / root_max[:, None] * result.model.scale
    bottom = np.zeros(len(order))
    names = result.model.nodes().loc[area_ids, "name"]
    labels = [str(u) for u in order]
    for k, area in enumerate(area_ids):
        ax.bar(labels, share[:, k], bottom=bottom, label=f"{area} {names[area]}", **kwargs)
        bottom += np.nan_to_num(share[:, k])
    ax.set_ylabel("index")
    ax.set_title(result.model.name or result.model.id)
    ax.tick_params(axis="x", rotation=90)
    ax.legend(fontsize="small", loc="upper right")
    return ax


def plot_profile(result: "Result", unit: Any, ax: Any = None, kind: str = "bar",
                 areas: Optional[List[str]] = None) -> Any:
    """A unit's score in each area, in percent of the area's (adjusted) maximum."""
    plt = _pyplot()
    area_ids = _areas(result, areas)
    scores = result.score.loc[unit, area_ids].to_numpy() * 100.0
    if kind == "bar":
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        ax.bar(area_ids, scores)
        ax.set_ylim(0, 100)
        ax.set_ylabel("% of the area's maximum")
    elif kind == "radar":
        if ax is None:
            _, ax = plt.subplots(figsize=(5, 5), subplot_kw={"projection": "polar"})
        angles = np.linspace(0, 2 * np.pi, len(area_ids), endpoint=False)
        closed = np.append(np.nan_to_num(scores), np.nan_to_num(scores[:1]))
        ax.plot(np.append(angles, angles[:1]), closed)
        ax.fill(np.append(angles, angles[:1]), closed, alpha=0.25)
        ax.set_xticks(angles)
        ax.set_xticklabels(area_ids)
        ax.set_ylim(0, 100)
    else:
        raise ValueError(f"kind must be 'bar' or 'radar', got {kind!r}")
    ax.set_title(f"{unit}")
    return ax
