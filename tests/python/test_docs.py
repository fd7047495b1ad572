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
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import pytest

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


# Every marked block of the docs. In the runnable text, CLUSTER is the LocalCluster's address,
# POSTGRESQL the test server's URL and OUT the temporary directory (names of the namespace).
SPECIAL: Dict[str, Special] = {}


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
        assert old in code, f"{block.file}:{block.line}: the twin of {block.marker!r} replaces {old!r}, no longer in the block"
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
    run_file(relative, namespace)


def test_every_special_block_is_in_the_docs():
    used = {b.marker for f in DOC_FILES for b in python_blocks(f)}
    assert set(SPECIAL) <= used, f"SPECIAL entries no block uses: {set(SPECIAL) - used}"
