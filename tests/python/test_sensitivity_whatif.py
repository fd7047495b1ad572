"""chiso.sensitivity.rank_gains / smallest_lift on the tutorial PAR model."""
from __future__ import annotations

import os

import pandas as pd
import pytest

import chiso
from chiso import sensitivity as sa

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


@pytest.fixture(scope="module")
def model():
    return chiso.load_model(os.path.join(ROOT, "examples", "models", "tutorial-par.json"))


@pytest.fixture(scope="module")
def data(model):
    rows = {
        "U1": [2, 1, 100, 100, 1.0, 2, 0],
        "U2": [1.5, 1, 95, 98, 0.9, 1.5, 1],
        "U3": [1, 0, 80, 92, 0.8, 1, 2],
        "U4": [2, 1, 100, 96, 0.95, 2, 0],
        "U5": [1.75, 1, 90, 100, 0.85, 1.75, 0],
    }
    return pd.DataFrame.from_dict(rows, orient="index", columns=model.leaf_ids)


def test_rank_gains(model, data) -> None:
    g = sa.rank_gains(model, data, "U5")
    assert list(g["criterion"])[0] == "A1.3"
    assert (g["rank_gain"] == 1).all() and (g["rank_after"] == 2).all()
    assert sa.rank_gains(model, data, "U1").empty
    step = sa.rank_gains(model, data, "U3", step=0.25)
    assert set(step["criterion"]) >= {"A1.1", "A1.2", "A1.3"}


def test_smallest_lift(model, data) -> None:
    r = sa.smallest_lift(model, data, "U3", rank=4)
    assert r["reachable"] and r["criteria"][:2] == ["A3.1", "A1.3"] and len(r["criteria"]) == 3
    assert r["rank_after"] == 4
    b = sa.smallest_lift(model, data, "U3", band="Tốt")
    assert len(b["criteria"]) == 4 and b["index_after"] >= 80
    with pytest.raises(ValueError, match="band"):
        sa.smallest_lift(model, data, "U3", band="nope")
