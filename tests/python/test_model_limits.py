"""Models beyond what chiso holds are refused at load with one ModelError naming the place: a dict
nested deeper than the JSON text may be, a node's `round` asking for more digits than a double
carries."""
from __future__ import annotations

import pytest

import chiso


def _document(root):
    return {"format": "chiso-model/1", "id": "m", "root": root}


def test_a_round_beyond_fifteen_significant_digits_is_refused():
    leaf = {"id": "a", "max": 1000, "round": 12, "rule": {"kind": "points"}}
    with pytest.raises(chiso.ModelError) as info:
        chiso.load_model(_document({"id": "R", "aggregate": "sum", "children": [leaf]}))
    assert info.value.id == "model.round" and info.value.path == "/root/children/0/round"
    assert "at most 11 decimals" in str(info.value)
    leaf["round"] = 11  # 4 whole digits and 11 decimals: 15
    assert chiso.load_model(_document({"id": "R", "aggregate": "sum", "children": [leaf]})).leaf_ids == ["a"]
