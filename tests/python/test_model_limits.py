"""Models beyond what chiso holds are refused at load with one ModelError naming the place: a dict
nested deeper than the JSON text may be, a node's `round` asking for more digits than a double
carries."""
from __future__ import annotations

import json

import pytest

import chiso


def _document(root):
    return {"format": "chiso-model/1", "id": "m", "root": root}


def _nested(depth: int) -> dict:
    """A model whose root holds a chain of `depth` inner nodes, built without recursion."""
    node = {"id": f"n{depth}", "max": 1, "rule": {"kind": "yes_no"}}
    for level in range(depth - 1, -1, -1):
        node = {"id": f"n{level}", "aggregate": "sum", "children": [node]}
    return node


def test_a_dict_nested_200000_deep_is_a_model_error_naming_the_limit_and_the_path():
    document = _document(_nested(200_000))
    with pytest.raises(chiso.ModelError) as info:
        chiso.load_model(document)
    limit = chiso._core.max_model_json_nesting
    message = str(info.value)
    assert info.value.id == "model.depth" and f"nested deeper than {limit} levels" in message
    assert "\n" not in message
    # The document is level 1, the root 2, each node two more ({"children": [...]}): level 81 is the
    # children list of the node 39 levels below the root.
    assert info.value.path == "/root" + "/children/0" * 39 + "/children"
    # The same document as JSON text is refused by the same limit.
    with pytest.raises(chiso.ModelError) as text:
        chiso.load_model(json.dumps(_document(_nested(100))))
    assert text.value.id == "model.depth" and f"nested deeper than {limit} levels" in str(text.value)


def test_a_dict_within_the_nesting_limit_reaches_the_node_depth_check():
    with pytest.raises(chiso.ModelError) as info:
        chiso.load_model(_document(_nested(35)))
    assert info.value.id == "model.depth" and "limit of 32 levels" in str(info.value)


def test_a_round_beyond_fifteen_significant_digits_is_refused():
    leaf = {"id": "a", "max": 1000, "round": 12, "rule": {"kind": "points"}}
    with pytest.raises(chiso.ModelError) as info:
        chiso.load_model(_document({"id": "R", "aggregate": "sum", "children": [leaf]}))
    assert info.value.id == "model.round" and info.value.path == "/root/children/0/round"
    assert "at most 11 decimals" in str(info.value)
    leaf["round"] = 11  # 4 whole digits and 11 decimals: 15
    assert chiso.load_model(_document({"id": "R", "aggregate": "sum", "children": [leaf]})).leaf_ids == ["a"]
