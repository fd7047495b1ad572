"""Tidy HTML for Jupyter: tables rounded as the model says, lists written as text, long texts cut
with the full text on hover; the model's tree as collapsible sections with each node's max."""
from __future__ import annotations

import html as _html
from typing import Any, Dict, List, Optional

import numpy as np
import pandas as pd

from .i18n import format_number, model_digits

_CUT = 80  # characters shown of a long text; the rest on hover


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple, np.ndarray)):
        return "; ".join(str(v) for v in value)
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    return str(value)


def _cell(value: Any, digits: int) -> str:
    if isinstance(value, (bool, np.bool_)):
        return f"<td>{'✓' if value else '✗'}</td>"
    if isinstance(value, (int, np.integer)):
        return f"<td style='text-align:right'>{int(value)}</td>"
    if isinstance(value, (float, np.floating)):
        return f"<td style='text-align:right'>{format_number(value, digits, 'en', empty='')}</td>"
    text = _text(value)
    if len(text) > _CUT:
        return (f"<td style='text-align:left' title='{_html.escape(text, quote=True)}'>"
                f"{_html.escape(text[:_CUT - 1])}…</td>")
    return f"<td style='text-align:left'>{_html.escape(text)}</td>"


def table_html(frame: pd.DataFrame, digits: int = 2, max_rows: int = 60) -> str:
    """``frame`` as an HTML table: numbers with ``digits`` decimals (half up), lists as text, long
    texts cut to 80 characters with the full text as a tooltip; at most ``max_rows`` rows."""
    shown = frame.head(max_rows)
    index_name = shown.index.name or ""
    heads = [index_name] + [str(c) for c in shown.columns]
    rows = []
    for key, row in shown.iterrows():
        rows.append("<tr>" + f"<th style='text-align:left'>{_html.escape(_text(key))}</th>" +
                    "".join(_cell(v, digits) for v in row.tolist()) + "</tr>")
    more = f"<p>{len(frame)} rows, {len(shown)} shown</p>" if len(frame) > len(shown) else ""
    return ("<table class='chiso-table'><thead><tr>" + "".join(f"<th>{_html.escape(h)}</th>" for h in heads) +
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}")


class Table:
    """A DataFrame that renders tidily in Jupyter (``.frame`` is the DataFrame itself)."""

    def __init__(self, frame: pd.DataFrame, digits: int = 2) -> None:
        self.frame = frame
        self.digits = digits

    def _repr_html_(self) -> str:
        return table_html(self.frame, self.digits)

    def __repr__(self) -> str:
        return repr(self.frame)


def show(frame: pd.DataFrame, model: Any = None, digits: Optional[int] = None) -> Table:
    """Wrap a report DataFrame for display: rounded as ``model`` says (or to ``digits``)."""
    if digits is None:
        digits = model_digits(model) if model is not None else 2
    return Table(frame, digits)


def model_html(model: Any) -> str:
    """The model's tree: every inner node a collapsible ``<details>`` (the root open) showing its max;
    criteria as lines with their max and rule."""
    records = list(model._core.nodes())
    children: Dict[Optional[str], List[Dict[str, Any]]] = {}
    for record in records:
        children.setdefault(record["parent"], []).append(record)

    maxima = _node_maxima(model)

    def _describe(record: Dict[str, Any]) -> str:
        return model._core.describe(record["id"])  # chiso::describe_node

    def max_text(record: Dict[str, Any]) -> str:
        value = maxima.get(record["id"], record["max"])
        return "" if value is None or value != value else f"{value:g}"

    def node(record: Dict[str, Any]) -> str:
        maximum = max_text(record)
        title = (f"<code>{_html.escape(record['id'])}</code> {_html.escape(record['name'])}" +
                 (f" <span style='color:#52606d'>[max {maximum}]</span>" if maximum else ""))
        kids = children.get(record["id"], [])
        if not kids:
            return (f"<li>{title} — <span style='color:#52606d'>{_html.escape(_describe(record))}</span></li>")
        opened = " open" if record["depth"] == 0 else ""
        return (f"<li><details{opened}><summary>{title} <span style='color:#52606d'>"
                f"{_html.escape(_describe(record))}</span></summary><ul style='list-style:none;padding-left:1.2em'>"
                + "".join(node(k) for k in kids) + "</ul></details></li>")

    roots = children.get(None, [])
    return (f"<div class='chiso-model'><b>{_html.escape(model.name or model.id)}</b> "
            f"<code>{_html.escape(model.id)}</code> — {len(model.leaf_ids)} criteria, scale {model.scale:g}"
            "<ul style='list-style:none;padding-left:0'>" + "".join(node(r) for r in roots) + "</ul></div>")


def _node_maxima(model: Any) -> Dict[str, float]:
    """Every node's maximum where everything applies, as the core computes it (a unit scored with
    all inputs 0; bonus and deduction nodes have none). Empty when the model refuses such a unit
    (an input range excluding 0): the tree then shows the maxima given in the file."""
    from ..errors import ChisoError
    inputs = pd.DataFrame(0.0, index=[0], columns=model.input_columns)
    try:
        result = model.evaluate(inputs)
    except ChisoError:
        return {}
    row = result.max.iloc[0]
    return {node: float(value) for node, value in row.items() if value > 0}
