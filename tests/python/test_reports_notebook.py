"""Tidy HTML for Jupyter: the model's tree (collapsible, with every inner node's max) and report
tables (the model's decimals, lists as text, long texts cut with the full text on hover)."""
from __future__ import annotations

import re

import pandas as pd

import chiso
from chiso.reports.notebook import show, table_html
from test_reports_data import MODEL, document, leaves


def test_the_model_tree_is_collapsible_with_the_max_of_inner_nodes():
    html = chiso.load_model(MODEL)._repr_html_()
    doc = document()
    inner = []

    def walk(node):
        if "children" in node:
            inner.append(node)
            for child in node["children"]:
                walk(child)
    walk(doc["root"])
    assert html.count("<details") == len(inner) and html.count("<details open>") == 1   # the root open
    shown = dict(re.findall(r"<summary><code>([\w.]+)</code>[^<]*<span[^>]*>\[max ([\d.]+)\]", html))
    # Each content's max: the sum of its criteria's max in the model file (content 9, bonus and
    # penalty points, has none).
    for area in doc["root"]["children"]:
        expected = sum(leaf.get("max", 0) for leaf, a in leaves() if a == area["id"])
        if area["id"] == "A9":
            assert "A9" not in shown
        else:
            assert float(shown[area["id"]]) == expected
    assert float(shown["PAR"]) == 100


def test_tables_round_join_lists_and_cut_long_texts():
    frame = pd.DataFrame({"points": [5.959999999999994, 1.005], "evidence": [["12/QĐ-UBND", "7/BC-UBND"], []],
                          "reason": ["x" * 200, "ngắn"]}, index=pd.Index(["ba-dinh", "tay-ho"], name="unit"))
    html = table_html(frame, 2)
    assert "5.96</td>" in html and "1.01</td>" in html and "5.9599" not in html
    assert "12/QĐ-UBND; 7/BC-UBND" in html and "['" not in html
    shown = re.search(r"title='(x+)'>(x+)…</td>", html)
    assert shown and shown.group(1) == "x" * 200 and shown.group(2) == "x" * 79
    assert show(frame, chiso.load_model(MODEL))._repr_html_() == html


def test_a_result_renders_rounded_as_the_model_says():
    model = chiso.load_model(MODEL)
    inputs = pd.DataFrame(0.0, index=["u"], columns=model.input_columns)
    html = model.evaluate(inputs)._repr_html_()
    assert "chiso-table" in html and re.search(r">0\.00<", html)
