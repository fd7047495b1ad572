"""The error catalogue (docs/errors.md) against the sources and the tests.

Every ``chiso.*`` error id the C++ or Python code can raise must be in the catalogue, and every
id the catalogue lists must be raised somewhere in the code and named by at least one test.
Ids are read from the sources: the first argument of a call to ``…error(…)`` or ``…fail(…)``
in C++ (``model_error("model.tiers_order", …)``), and ``id="…"`` or a ``[chiso.…]`` message
prefix in Python.
"""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "docs" / "errors.md"

ID = r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+"
# C++: error or helper call; the id literal(s) in its first argument (a ternary may hold two).
CPP_CALL = re.compile(r"\b\w*(?:error|fail)\s*\(\s*([^,;]*?)\s*[,)]")
LITERAL = re.compile(r'"(' + ID + r')"')
PY_ID = re.compile(r"""\bid\s*=\s*["'](""" + ID + r""")["']""")
PY_PREFIX = re.compile(r"\[chiso\.(" + ID + r")\]")
# The catalogue lists each id as a table row starting with `id`.
DOC_ROW = re.compile(r"^\|\s*`(" + ID + r")`\s*\|", re.MULTILINE)


def _sources(patterns: list[str]) -> list[Path]:
    files: list[Path] = []
    for pattern in patterns:
        files.extend(sorted(ROOT.glob(pattern)))
    return files


def ids_in_code() -> dict[str, str]:
    """Each id the code raises → the first place (file:line) it is raised."""
    found: dict[str, str] = {}
    for path in _sources(["src/**/*.cpp", "src/**/*.hpp", "include/**/*.hpp", "bindings/**/*.cpp"]):
        text = path.read_text(encoding="utf-8")
        for call in CPP_CALL.finditer(text):
            for literal in LITERAL.finditer(call.group(1)):
                line = text.count("\n", 0, call.start()) + 1
                found.setdefault(literal.group(1), f"{path.relative_to(ROOT)}:{line}")
    for path in _sources(["python/chiso/**/*.py"]):
        text = path.read_text(encoding="utf-8")
        for pattern in (PY_ID, PY_PREFIX):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.setdefault(match.group(1), f"{path.relative_to(ROOT)}:{line}")
    return found


def ids_in_catalogue() -> list[str]:
    return DOC_ROW.findall(CATALOGUE.read_text(encoding="utf-8"))


def test_the_catalogue_lists_each_id_once() -> None:
    documented = ids_in_catalogue()
    repeated = sorted({i for i in documented if documented.count(i) > 1})
    assert not repeated, f"docs/errors.md lists these ids more than once: {repeated}"


def test_every_id_the_code_raises_is_in_the_catalogue() -> None:
    documented = set(ids_in_catalogue())
    missing = {i: where for i, where in ids_in_code().items() if i not in documented}
    assert not missing, "ids raised in the code but missing from docs/errors.md (add a row each):\n" + "\n".join(
        f"  {i}  (raised at {where})" for i, where in sorted(missing.items()))


def test_every_documented_id_is_raised_by_the_code() -> None:
    raised = ids_in_code()
    stale = [i for i in ids_in_catalogue() if i not in raised]
    assert not stale, ("ids in docs/errors.md that no C++ or Python source raises (remove the row, or the "
                       "code lost the error): " + ", ".join(stale))


# Ids that no test named when the catalogue was written (their errors may be tested by message
# only). The list only shrinks: a new id comes with a test that checks it, and an id that gains
# one must leave the list.
NOT_YET_NAMED_BY_A_TEST = {
    # Guards of the C++ API that the Python bindings never reach: they always pass a sized
    # workspace, aggregate nodes, one denominator entry and one scale factor per indicator; no
    # binding calls pipeline::prepare.
    "analysis.aggregate_workspace",
    "analysis.denominate_scale",
    "analysis.denominate_spec",
    "analysis.prepare",
    # A hierarchy without level-1 rows has a childless aggregate, reported first.
    "analysis.hierarchy_no_indicators",
    # C++ only: a null plan, a multi-input formula scored from one value, an input column of no
    # leaf.
    "assessment.plan",
    "data.inputs",
    "data.unknown_input",
    # An assessment's result keeps every node, and an unknown node is data.unknown_criterion first.
    "result.node",
}


def ids_named_by_tests() -> set[str]:
    tests = [p for p in _sources(["tests/cpp/**/*.cpp", "tests/cpp/**/*.hpp", "tests/python/**/*.py"])
             if p.name != Path(__file__).name]
    corpus = "\n".join(p.read_text(encoding="utf-8") for p in tests)
    return {i for i in ids_in_catalogue()
            if re.search(r"(?:(?<![\w.])|(?<=chiso\.))" + re.escape(i) + r"(?!\w)", corpus)}


def test_every_documented_id_is_named_by_a_test() -> None:
    named = ids_named_by_tests()
    untested = [i for i in ids_in_catalogue() if i not in named and i not in NOT_YET_NAMED_BY_A_TEST]
    assert not untested, ("ids in docs/errors.md that no test in tests/cpp or tests/python names (add a test "
                          "that triggers each and checks its id): " + ", ".join(untested))


def test_the_list_of_untested_ids_only_shrinks() -> None:
    documented = set(ids_in_catalogue())
    now_tested = sorted(NOT_YET_NAMED_BY_A_TEST & ids_named_by_tests())
    gone = sorted(NOT_YET_NAMED_BY_A_TEST - documented)
    assert not now_tested, ("remove from NOT_YET_NAMED_BY_A_TEST in tests/python/test_error_catalogue.py, a test "
                            "now names them: " + ", ".join(now_tested))
    assert not gone, ("remove from NOT_YET_NAMED_BY_A_TEST in tests/python/test_error_catalogue.py, they are no "
                      "longer in docs/errors.md: " + ", ".join(gone))


def test_the_id_reader_finds_known_ids() -> None:
    # Guards the patterns above: ids raised in the three ways the sources use.
    raised = ids_in_code()
    for known in ("model.tiers_order", "model.type", "data.shape"):
        assert known in raised, f"the catalogue test no longer reads id {known!r} from the sources"
