"""Plots of results (matplotlib, imported only here). Each answers a question: where does each
unit stand against the bands (ranking), where did a unit lose its points against its group
(profile). Labels follow ``language`` ("vi", the default, or "en"); units are shown by name."""
from __future__ import annotations

import textwrap
from typing import Any, List, Mapping, Optional

import numpy as np
import pandas as pd

from .errors import ParameterError, UnknownKeyError
from .reports.i18n import format_number, label, model_digits

_BONUS_RULES = ("bonus", "deduction")


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("chiso's plots need matplotlib: pip install 'chiso[plot]'") from error
    return plt


def _areas(result: Any, areas: Optional[List[str]]) -> List[str]:
    """The root's children, unless the caller names the areas."""
    if areas is not None:
        return list(areas)
    nodes = result.model.nodes()
    root = nodes.index[nodes["parent"].isna()][0]
    return [node for node in nodes.index[nodes["parent"] == root] if node in result.node_ids]


def _scored_areas(result: Any, areas: Optional[List[str]]) -> List[str]:
    """Areas with a maximum: contents of bonus and deduction points have no share to show."""
    if areas is not None:
        return list(areas)
    nodes = result.model.nodes()
    out = []
    for area in _areas(result, None):
        path = str(nodes.at[area, "path"]) + "/"
        leaves = nodes[nodes["is_leaf"] & nodes["path"].astype(str).str.startswith(path)]
        if not (len(leaves) and leaves["rule"].isin(_BONUS_RULES).all()):
            out.append(area)
    return out


def _names(result: Any, names: Optional[Mapping[Any, str]]) -> Mapping[Any, str]:
    """Unit → display name: given, else the names the result carries (from an assessment), else
    the ids."""
    if names is not None:
        return names
    carried = getattr(result, "unit_names", None)
    return carried if carried is not None else {}


def _digits(result: Any) -> int:
    return model_digits(result.model)


def plot_ranking(result: Any, ax: Any = None, areas: Optional[List[str]] = None, *,
                 language: str = "vi", names: Optional[Mapping[Any, str]] = None, **kwargs: Any) -> Any:
    """The index by unit, highest first, as bars stacked by each area's share of the index, with
    the index written above each bar, a dashed line at each band's threshold and the legend
    outside the plot."""
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(max(10, 0.45 * len(result.units) + 3), 7.5), layout="constrained")
    scores = result.scores
    order = scores["index"].sort_values(ascending=False, kind="stable").index
    area_ids = _areas(result, areas)
    points = result.points.loc[order, area_ids]
    # Each area's contribution to the index: its points over the unit's adjusted maximum.
    root = result.node_ids[-1]
    root_max = result.max.loc[order, root].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        share = points.to_numpy() / root_max[:, None] * result.model.scale
    bottom = np.zeros(len(order))
    info = result.model.nodes()
    shown = _names(result, names)
    labels = [str(shown.get(u, u)) for u in order]
    positions = np.arange(len(order))
    for k, area in enumerate(area_ids):
        ax.bar(positions, share[:, k], bottom=bottom, label=f"{area} {info.at[area, 'name']}", **kwargs)
        bottom += np.nan_to_num(share[:, k])
    digits = _digits(result)
    index = scores.loc[order, "index"].to_numpy(dtype=float)
    for x, value in zip(positions, index):
        if not np.isnan(value):
            ax.text(x, value, format_number(value, digits, language), ha="center", va="bottom", fontsize=7,
                    rotation=90)
    for minimum, band in result.model.bands:
        if minimum > 0:
            ax.axhline(minimum, color="#b3261e", linestyle="--", linewidth=0.9, gid="band-line")
            ax.text(1.0, minimum, f" {band} ≥ {format_number(minimum, 0, language)}", color="#b3261e",
                    fontsize=7, va="center", ha="left", transform=ax.get_yaxis_transform())
    top = np.nanmax(index) if len(index) and not np.isnan(index).all() else result.model.scale
    ax.set_ylim(0, max(top * 1.18, result.model.scale * 0.2))
    ax.set_xticks(positions)
    ax.set_xticklabels(labels, rotation=90, fontsize=8)
    ax.set_xlim(-0.6, len(order) - 0.4)
    ax.set_ylabel(label("index_axis", language))
    ax.set_xlabel(label("unit_axis", language))
    ax.set_title(label("ranking_title", language, title=result.model.name or result.model.id))
    _legend_below(ax, ncol=2)
    return ax


def _legend_below(ax: Any, ncol: int) -> None:
    """The legend under the axes and their tick labels, covering neither bars nor names: a
    figure legend "outside" the axes when the figure lays itself out, else one placed under the
    lowest tick label."""
    handles, labels = ax.get_legend_handles_labels()
    labels = ["\n".join(textwrap.wrap(text, 60)) for text in labels]
    figure = ax.figure
    if figure.get_layout_engine() is not None and len(figure.axes) == 1:
        figure.legend(handles, labels, fontsize="small", loc="outside lower left", ncol=ncol, frameon=False)
        return
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    texts = [t for t in list(ax.get_xticklabels()) + [ax.xaxis.label] if t.get_text()]
    lowest = min(t.get_window_extent(renderer).y0 for t in texts) if texts else ax.get_window_extent(renderer).y0
    y = ax.transAxes.inverted().transform((0, lowest))[1]
    ax.legend(handles, labels, fontsize="small", loc="upper left", bbox_to_anchor=(0.0, y - 0.02), ncol=ncol,
              frameon=False)


def plot_profile(result: Any, unit: Any, ax: Any = None, kind: str = "bar",
                 areas: Optional[List[str]] = None, *, language: str = "vi",
                 names: Optional[Mapping[Any, str]] = None) -> Any:
    """A unit's score in each area, in percent of the area's (adjusted) maximum, with its group's
    average; the title gives the unit's index and rank. An area that does not apply to the unit
    is drawn as a hatched gap (bar) or a break in the line (radar), never as 0."""
    plt = _pyplot()
    if kind not in ("bar", "radar"):
        raise ParameterError(f"plot_profile: kind must be 'bar' or 'radar', got {kind!r}", id="parameter.plot_kind")
    area_ids = _scored_areas(result, areas)
    info = result.model.nodes()
    score = result.score.loc[:, area_ids] * 100.0
    maxima = result.max.loc[:, area_ids]
    score = score.where(maxima > 0)                       # not applicable: no share, not 0
    if unit not in score.index:
        raise UnknownKeyError(f"plot_profile: unit {unit!r} is not in this result", id="data.unknown_unit",
                              unit=str(unit))
    values = score.loc[unit].to_numpy(dtype=float)
    scores = result.scores
    if "group" in scores.columns:
        peers = scores.index[scores["group"] == scores.at[unit, "group"]]
    else:
        peers = scores.index
    average = score.loc[peers].mean(skipna=True).to_numpy(dtype=float)
    area_names = [f"{a} {info.at[a, 'name']}" for a in area_ids]
    na = np.isnan(values)
    if kind == "bar":
        if ax is None:
            _, ax = plt.subplots(figsize=(max(7, 1.5 * len(area_ids)), 4.5), layout="constrained")
        x = np.arange(len(area_ids))
        ax.bar(x[~na], values[~na], color="#2f5d8a", label=label("points", language))
        for k in np.flatnonzero(na):
            ax.bar(x[k], 100, color="none", edgecolor="#9aa5b1", hatch="//", gid="not-applicable")
            ax.text(x[k], 50, label("gap_na", language), rotation=90, ha="center", va="center", fontsize=8)
        ax.plot(x, average, linestyle="none", marker="_", markersize=22, markeredgewidth=2, color="black",
                label=label("group_average", language))
        ax.set_xticks(x)
        ax.set_xticklabels(["\n".join(textwrap.wrap(n, 16)[:4]) for n in area_names], fontsize=7)
        ax.set_ylim(0, 105)
        ax.set_ylabel(label("of_max", language))
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    else:
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 6), subplot_kw={"projection": "polar"})
        angles = np.linspace(0, 2 * np.pi, len(area_ids), endpoint=False)
        closed_angles = np.append(angles, angles[:1])
        # NaN breaks the line: a not-applicable area is a gap.
        ax.plot(closed_angles, np.append(values, values[:1]), color="#2f5d8a", marker="o",
                label=label("points", language))
        if not na.any():
            ax.fill(closed_angles, np.append(values, values[:1]), color="#2f5d8a", alpha=0.2)
        ax.plot(closed_angles, np.append(average, average[:1]), color="black", linestyle="--", linewidth=1,
                label=label("group_average", language))
        for k in np.flatnonzero(na):
            ax.bar(angles[k], 100, width=2 * np.pi / len(area_ids) * 0.6, color="none", edgecolor="#9aa5b1",
                   hatch="//", gid="not-applicable")
        ax.set_xticks(angles)
        ax.set_xticklabels([("\n".join(textwrap.wrap(n, 18)[:3])) + (f"\n({label('gap_na', language)})" if na[k] else "")
                            for k, n in enumerate(area_names)], fontsize=7)
        ax.set_ylim(0, 100)
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.05, 1.05), frameon=False)
    digits = _digits(result)
    rank = scores.at[unit, "rank"]
    shown = _names(result, names)
    ax.set_title(label("profile_title", language, unit=shown.get(unit, unit),
                       index=format_number(scores.at[unit, "index"], digits, language),
                       rank="–" if pd.isna(rank) else int(rank)))
    return ax
