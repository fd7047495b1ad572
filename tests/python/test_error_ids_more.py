"""More errors of the catalogue (docs/errors.md), each triggered from Python with its id and the
place its message names (the node, the indicator, the unit, the key, the file): the pipeline's
steps, normalisation and aggregation parameters, weights, and the JSON a pipeline is read from."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from chiso import analysis as ca
from chiso.errors import ChisoError

_a = ca._a  # the C++ bindings, for the arguments the Python layer always shapes itself

ROWS = [{"code": "i1", "level": 1, "parent": "P"}, {"code": "i2", "level": 1, "parent": "P"},
        {"code": "P", "level": 2}]
# i1 is divided by the denominator 'Area'.
ROWS_AREA = [{"code": "i1", "level": 1, "parent": "P", "denominator": "Area"},
             {"code": "i2", "level": 1, "parent": "P"}, {"code": "P", "level": 2}]


def tree(rows=None) -> ca.Hierarchy:
    return ca.Hierarchy(ROWS if rows is None else rows)


X = np.array([[1.0, 4.0], [2.0, 5.0], [3.0, 9.0]])
DATA = pd.DataFrame(X, index=pd.Index(["u1", "u2", "u3"], name="unit"), columns=["i1", "i2"])
AREA = pd.DataFrame({"Area": [10.0, 0.0, 30.0]}, index=DATA.index)  # u2's area is zero


def pipe(spec, rows=None) -> ca.Pipeline:
    return ca.Pipeline(tree(rows), spec)


def core_run(data, units=(), denominators=None, denominator_codes=()):
    # Pipeline.run always passes the hierarchy's columns and one code per row; the core checks them.
    p = pipe({})
    return p._core.run(np.asfortranarray(data, dtype=float), list(units),
                       np.zeros((len(data), 0), order="F") if denominators is None else denominators,
                       list(denominator_codes), {})


CASES = {
    # Pipeline specs and their JSON.
    "analysis.spec_json": (lambda: pipe({"normalise": "min_max"}), "normalise"),
    "analysis.pipeline_json": (lambda: ca.Pipeline.from_json(json.dumps({"hierarchy": ROWS})), "'spec'"),
    "analysis.hierarchy_json": (lambda: ca.Hierarchy.from_json(json.dumps([{"level": 1}])), "hierarchy JSON"),
    "analysis.pipeline_weights": (lambda: pipe({"weights": [1.0, 1.0]}), "3 nodes"),
    "analysis.impute_method": (lambda: pipe({"impute": {"method": "knn"}}), "knn"),
    # Pipeline runs.
    "analysis.pipeline_group": (lambda: pipe({"impute": {"method": "group_mean", "group": "region"}}).run(DATA),
                                "'region'"),
    "analysis.pipeline_shape": (lambda: core_run(np.ones((3, 3))), "3 columns"),
    "analysis.pipeline_units": (lambda: core_run(X, units=["u1"]), "one per row"),
    "analysis.treat_too_few": (lambda: pipe({"treat": {"winmax": 1}}).run(DATA), "i1"),
    # Denominators.
    "analysis.denominator_missing": (lambda: pipe({"denominate": True}, ROWS_AREA).run(DATA), "'Area'"),
    "analysis.denominate_rows": (lambda: pipe({"denominate": True}, ROWS_AREA).run(DATA, denominators=AREA.iloc[:2]),
                                 "2 rows"),
    "analysis.denominate_zero": (lambda: pipe({"denominate": True}, ROWS_AREA).run(DATA, denominators=AREA), "u2"),
    "analysis.denominate_column": (lambda: ca.Pipeline(tree(ROWS_AREA), {"denominate": True})._core.run(
        np.asfortranarray(X), ["u1", "u2", "u3"], np.zeros((3, 0), order="F"), ["Area"], {}), "'i1'"),
    # Normalisation.
    "analysis.normalise_bounds": (lambda: ca.normalise(X, [1, 1], lower=5, upper=5), "lower and upper"),
    "analysis.normalise_degenerate": (lambda: ca.normalise(DATA.assign(i2=7.0), [1, 1]), "i2"),
    "analysis.normalise_reference": (lambda: ca.normalise(X, [1, 1], method="distance_to_reference", reference=10),
                                     "reference"),
    "analysis.direction": (lambda: _a.normalise(np.asfortranarray(X), [2, 1], json.dumps({"method": "min_max"})),
                           "direction"),
    # Aggregation.
    "analysis.power": (lambda: ca.aggregate(tree(), X, methods=[{"method": "generalised", "power": 0}]), "power"),
    "analysis.genmean_nonpositive": (lambda: pipe({"normalise": {"method": "none"},
                                                   "aggregate": [{"method": "generalised", "power": -1}]}).run(
        DATA.assign(i1=[1.0, 0.0, 2.0])), "unit 'u2', criterion 'P'"),
    # Weights.
    "analysis.weights_zero": (lambda: ca.effective_weights(tree(), [0.0, 0.0, 1.0]), "'P'"),
    "analysis.critic_directions": (lambda: ca.critic_weights(X, [1]), "direction"),
}


@pytest.mark.parametrize("error_id", sorted(CASES))
def test_each_error_has_its_id_and_names_the_place(error_id):
    trigger, place = CASES[error_id]
    with pytest.raises(ChisoError) as caught:
        trigger()
    assert caught.value.id == error_id, str(caught.value)
    assert f"[chiso.{error_id}]" in str(caught.value)
    assert place in str(caught.value)
