"""The documentation runs: every Python code block of README.md and docs/*.md is executed, in
order, the blocks of one file sharing a namespace (as a reader typing them into one session
would). The working directory is a mirror of the repository root (a temporary directory whose
entries link to the root's), so that paths such as ``examples/models/…`` read the repository and
files the blocks write land in the temporary directory. A failing block is reported by file and
line.

Markers. A block that needs a server or that is deliberately illustrative says so on the line
just before its fence, in an HTML comment that renders as nothing:

    <!-- docs-test: NAME -->

NAME is a key of ``SPECIAL`` below, which says what the block needs (a Dask ``LocalCluster``, the
test PostgreSQL server of test_store.py) and gives its runnable twin: names the block takes for
granted (defined by a prelude) and the illustrative text it replaces (an address, a bucket),
each of which must still occur in the block — so the twin cannot drift from the docs. Nothing
else is skipped; a marker that ``SPECIAL`` does not know, or a ``SPECIAL`` entry that no block
uses, fails the test. Keep these rare.
"""
from __future__ import annotations

import os
import re
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_store import postgres_url  # noqa: E402,F401 - the test PostgreSQL server, a fixture

ROOT = Path(__file__).resolve().parents[2]
DOC_FILES = ["README.md"] + sorted(f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md"))

FENCE = re.compile(r"^```(\w*)\s*$")
MARKER = re.compile(r"^<!--\s*docs-test:\s*([\w-]+)\s*-->\s*$")


@dataclass
class Block:
    file: str
    line: int            # line of the first line of code (1-based)
    code: str
    marker: Optional[str]


@dataclass
class Special:
    """What a marked block needs and its runnable twin."""
    needs: str                                    # "" (nothing), "cluster" or "postgresql"
    why: str                                      # why the block cannot run as written
    prelude: str = ""                             # defines names the block takes for granted
    replace: Sequence[Tuple[str, str]] = field(default_factory=tuple)  # (illustrative text, runnable text)


# The district sample of 2023 as the partitioned data set of the Dask examples (a Parquet file
# with a unit column, the model's input columns and the group).
_DISTRICT_PARQUET = """
import chiso as _chiso
_a = _chiso.Assessment.from_csv("examples/models/hanoi-par-district-2023.json", "2023",
                                "examples/data/units-district.csv", "examples/data/par-district-2023.csv")
_a.set_survey(_chiso.Survey.from_csv("examples/data/survey-par-2023.csv"), strict=False)
PARQUET = OUT + "/par-2023.parquet"
_a.inputs().assign(group=_a.units["group"]).rename_axis("unit").reset_index().to_parquet(PARQUET)
"""

# Every marked block of the docs. In the runnable text, CLUSTER is the LocalCluster's address,
# POSTGRESQL the test server's URL and OUT the temporary directory (names of the namespace).
SPECIAL: Dict[str, Special] = {
    "dask-cluster": Special(
        needs="cluster", why="a running cluster's address and an S3 bucket",
        prelude=_DISTRICT_PARQUET,
        replace=[('Client("tcp://scheduler.example:8786")', "Client(CLUSTER)"),
                 ('"s3://lake/par/"', "PARQUET"), ('"s3://lake/par-2023/"', "PARQUET"),
                 ('"s3://lake/par-2023-scores/"', 'OUT + "/scores"')]),
    "dask-records": Special(
        needs="", why="the agencies' dossier records and the portal's other figures",
        prelude="""
import pandas as pd, chiso
model = chiso.load_model("examples/models/service-index-766.json")
_counted = ["DVC_PROGRESS_ON_TIME.numerator", "DVC_PROGRESS_ON_TIME.denominator",
            "ONLINE_PAYMENT.totalDossierOnlinePaymentSuccess", "ONLINE_PAYMENT.totalDossierFinancialObligation"]
portal_figures = (pd.read_csv("examples/data/service-index-hanoi-2023.csv", index_col="unit")
                  .drop(columns=_counted).rename_axis("agency"))
dossiers = pd.DataFrame({"agency": ["ha-noi"] * 4, "on_time": [True, True, True, False], "received": [True] * 4,
                         "paid_online": [True, False, False, False], "has_fee": [True, True, False, False]})
"""),
    "store-postgresql": Special(
        needs="postgresql", why="a PostgreSQL server and the reader's own files",
        prelude='model = chiso.load_model("examples/models/hanoi-par-district-2023.json")  # the first example\'s',
        replace=[('"units.csv"', '"examples/data/units-district.csv"'),
                 ('"records.csv"', '"examples/data/par-district-2023.csv"'),
                 ('"postgresql://officer@db.example/par"', "POSTGRESQL")]),
}


def python_blocks(relative: str) -> List[Block]:
    lines = (ROOT / relative).read_text(encoding="utf-8").splitlines()
    blocks, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        language, start = m.group(1), i + 1
        end = start
        while end < len(lines) and not FENCE.match(lines[end]):
            end += 1
        if end == len(lines):
            raise AssertionError(f"{relative}:{i + 1}: code block never closed")
        if language == "python":
            marker = MARKER.match(lines[i - 1]) if i > 0 else None
            blocks.append(Block(relative, start + 1, "\n".join(lines[start:end]), marker and marker.group(1)))
        i = end + 1
    return blocks


def runnable(block: Block) -> Tuple[str, str]:
    """The code to run for a block (its twin when marked) and the prelude."""
    if block.marker is None:
        return block.code, ""
    special = SPECIAL.get(block.marker)
    assert special is not None, f"{block.file}:{block.line - 1}: unknown docs-test marker {block.marker!r}"
    code = block.code
    for old, new in special.replace:
        code = code.replace(old, new)
    return code, special.prelude


def failing_line(error: BaseException, file: str, fallback: int) -> int:
    """The line of ``file`` where ``error`` was raised (the deepest frame in the docs' code)."""
    if isinstance(error, SyntaxError) and error.filename == file and error.lineno:
        return error.lineno
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == file]
    return lines[-1] if lines else fallback


def run_file(relative: str, namespace: dict) -> None:
    for block in python_blocks(relative):
        code, prelude = runnable(block)
        if prelude:
            exec(compile(prelude, f"<docs-test prelude of {block.marker}>", "exec"), namespace)
        # Padded so that line numbers in errors are the markdown file's.
        source = "\n" * (block.line - 1) + code
        failure = None
        try:
            exec(compile(source, relative, "exec"), namespace)
        except Exception as error:  # noqa: BLE001 - reported with the docs' file and line
            line = failing_line(error, relative, block.line)
            text = (ROOT / relative).read_text(encoding="utf-8").splitlines()[line - 1].strip()
            failure = f"{relative}:{line}: {type(error).__name__}: {error}\n    {text}"
        if failure:  # outside the except clause: one message, not a chain of tracebacks
            pytest.fail(failure, pytrace=False)


@pytest.fixture
def docs_root(tmp_path, monkeypatch):
    """A temporary working directory that looks like the repository root."""
    for entry in ROOT.iterdir():
        if entry.name not in (".git", "build", ".venv"):
            (tmp_path / entry.name).symlink_to(entry)
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in ROOT.iterdir())
    yield tmp_path
    assert sorted(p.name for p in ROOT.iterdir()) == before, "a docs block wrote into the repository"


@pytest.mark.parametrize("relative", DOC_FILES)
def test_python_blocks_run(relative, docs_root, request):
    import matplotlib
    matplotlib.use("Agg")  # plots without a display
    blocks = python_blocks(relative)
    needs = {SPECIAL[b.marker].needs for b in blocks if b.marker in SPECIAL}
    namespace: dict = {"__name__": "__docs__", "OUT": str(docs_root)}
    if "cluster" in needs:
        namespace["CLUSTER"] = request.getfixturevalue("local_cluster")
    if "postgresql" in needs:
        namespace["POSTGRESQL"] = request.getfixturevalue("postgres_url")
    try:
        run_file(relative, namespace)
    finally:
        # A Dask client a block opened is closed with the block's file: left open, it outlives the
        # cluster and its thread keeps reconnecting (and drawing from the global random module)
        # in this worker process while later tests run.
        close_clients(namespace)


def close_clients(namespace: dict) -> None:
    try:
        from distributed import Client
    except ImportError:
        return
    for value in namespace.values():
        if isinstance(value, Client):
            value.close()


def test_every_twin_still_matches_the_docs():
    """Each SPECIAL entry marks some block, and each text it replaces is still in one of them:
    a twin that no longer replaces anything would test something the docs do not say."""
    marked = [b for f in DOC_FILES for b in python_blocks(f) if b.marker]
    assert set(SPECIAL) <= {b.marker for b in marked}, f"SPECIAL entries no block uses: {set(SPECIAL) - {b.marker for b in marked}}"
    for name, special in SPECIAL.items():
        for old, _ in special.replace:
            assert any(old in b.code for b in marked if b.marker == name), f"{name}: {old!r} is in no block it marks"


# Names the docs' prose gives in inline code: `chiso.x.y`, `ca.x` (chiso.analysis), `sa.x`
# (chiso.sensitivity), and `Class.member` for chiso's public classes.
QUALIFIED = re.compile(r"(?<![\w.:/\[-])((?:chiso|ca|sa)(?:\.[A-Za-z_]\w*)+)")
CLASSES = ("Assessment", "Survey", "Model", "Result", "Pipeline", "Hierarchy", "CompositeAnalysis")
MEMBER = re.compile(r"(?<![\w.:])(" + "|".join(CLASSES) + r")\.([A-Za-z_]\w*)")


def _resolve(dotted: str):
    import importlib
    parts = dotted.split(".")
    parts = {"ca": ["chiso", "analysis"], "sa": ["chiso", "sensitivity"]}.get(parts[0], [parts[0]]) + parts[1:]
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for name in parts[i:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError(dotted)


@pytest.mark.parametrize("relative", DOC_FILES)
def test_names_in_the_prose_exist(relative):
    """Every chiso name the prose gives in inline code exists (the code blocks are run above)."""
    import chiso.analysis
    import chiso.sensitivity
    classes = {"Assessment": chiso.Assessment, "Survey": chiso.Survey, "Model": chiso.Model, "Result": chiso.Result,
               "Pipeline": chiso.analysis.Pipeline, "Hierarchy": chiso.analysis.Hierarchy,
               "CompositeAnalysis": chiso.sensitivity.CompositeAnalysis}
    prose = re.sub(r"^```.*?^```", "", (ROOT / relative).read_text(encoding="utf-8"), flags=re.S | re.M)
    missing = []
    for span in re.findall(r"`([^`\n]+)`", prose):
        for dotted in QUALIFIED.findall(span):
            try:
                _resolve(dotted)
            except (ImportError, AttributeError):
                missing.append(dotted)
        missing += [f"{c}.{m}" for c, m in MEMBER.findall(span) if not hasattr(classes[c], m)]
    assert not missing, f"{relative}: names that chiso does not have: {sorted(set(missing))}"


@pytest.fixture(scope="module")
def local_cluster():
    """A LocalCluster of one worker process: the address a marked block's Client connects to."""
    from distributed import LocalCluster
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0",
                      worker_dashboard_address=None) as cluster:
        yield cluster.scheduler_address
