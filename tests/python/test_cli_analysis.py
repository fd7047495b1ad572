"""`chiso uncertainty` and `chiso sensitivity` (issue 24, item 3): assumptions from a spec file
(JSON or TOML) or options, the statistics as CSV/Parquet/JSON, the plots, a progress bar on a
terminal, and one-line errors naming the file and JSON path."""
import io
import json
import os
import sys
from pathlib import Path

import pandas as pd
import pytest

from test_cli import assert_clean_error, call, err, out

pytest.importorskip("matplotlib")

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = str(ROOT / "examples" / "models" / "tutorial-par.json")

# Tutorial model (12 points): u1 12 → 100, u2 11 → 91.67, u3 11.5 → 95.83, u4 10.5 → 87.5;
# groups g1 = {u1, u2}, g2 = {u3, u4}: ranks 1, 2, 1, 2 (across both: 1, 3, 2, 4).
INPUTS = """unit,group,A1.1,A1.2,A1.3,A3.1,A3.2,A7.1,A7.2
u1,g1,2,1,100,100,1,2,0
u2,g1,1,1,100,100,1,2,0
u3,g2,1.5,1,100,100,1,2,0
u4,g2,0.5,1,100,100,1,2,0
"""

SPEC_JSON = {"replications": 300, "seed": 7,
             "assumptions": [{"type": "noisy_weights", "name": "Weights", "noise": {"1": 0.25}}]}
SPEC_TOML = """replications = 300
seed = 7

[[assumptions]]
type = "noisy_weights"
name = "Weights"
noise = { "1" = 0.25 }
"""


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "inputs.csv").write_text(INPUTS, encoding="utf-8")
    plain = "\n".join(",".join(f for k, f in enumerate(line.split(",")) if k != 1) for line in INPUTS.splitlines())
    (tmp_path / "plain.csv").write_text(plain + "\n", encoding="utf-8")  # without the groups
    (tmp_path / "spec.json").write_text(json.dumps(SPEC_JSON), encoding="utf-8")
    (tmp_path / "spec.toml").write_text(SPEC_TOML, encoding="utf-8")
    return tmp_path


def test_uncertainty_ranks_as_the_model_and_writes_every_format(folder):
    done = call("uncertainty", TUTORIAL, "inputs.csv", "--group-column", "group", "--noise", "1=0.25",
                "--replications", "300", "--seed", "7", "-o", "ranks.csv", cwd=folder)
    assert done.returncode == 0, err(done)
    assert err(done) == ""  # no progress bar off a terminal
    table = pd.read_csv(folder / "ranks.csv", encoding="utf-8-sig")
    assert list(table.columns) == ["unit", "rank_nominal", "rank_mean", "rank_median", "rank_q5", "rank_q95",
                                   "score_nominal", "score_mean", "score_sd", "score_q5", "score_median",
                                   "score_q95"]
    assert table["unit"].tolist() == ["u1", "u2", "u3", "u4"]
    assert table["rank_nominal"].tolist() == [1, 2, 1, 2]
    # Within a group of two, every rank is 1 or 2.
    assert table[["rank_q5", "rank_q95"]].isin([1, 2]).all().all()
    # The same from the JSON and the TOML spec, and as Parquet and JSON.
    for spec in ("spec.json", "spec.toml"):
        again = call("uncertainty", TUTORIAL, "inputs.csv", "--group-column", "group", "--spec", spec,
                     "-o", f"{spec}.csv", cwd=folder)
        assert again.returncode == 0, err(again)
        assert (folder / f"{spec}.csv").read_bytes() == (folder / "ranks.csv").read_bytes()
    for suffix, read in ((".parquet", pd.read_parquet), (".json", pd.read_json)):
        pytest.importorskip("pyarrow") if suffix == ".parquet" else None
        done = call("uncertainty", TUTORIAL, "inputs.csv", "--group-column", "group", "--spec", "spec.json",
                    "-o", f"ranks{suffix}", cwd=folder)
        assert done.returncode == 0, err(done)
        other = read(folder / f"ranks{suffix}")
        assert other["rank_nominal"].tolist() == [1, 2, 1, 2]
        assert other["rank_mean"].tolist() == table["rank_mean"].tolist()
    # Without -o: CSV on stdout.
    done = call("uncertainty", TUTORIAL, "inputs.csv", "--group-column", "group", "--spec", "spec.json", cwd=folder)
    assert out(done).splitlines()[0].startswith("unit,rank_nominal,")


def test_plots_as_png_and_svg(folder):
    for name, magic in (("ranks.png", b"\x89PNG"), ("ranks.svg", b"<svg")):
        done = call("uncertainty", TUTORIAL, "plain.csv", "--spec", "spec.json", "-o", "r.csv", "--plot", name,
                    cwd=folder)
        assert done.returncode == 0, err(done)
        assert magic in (folder / name).read_bytes()[:400]


def test_sensitivity_writes_the_indices(folder):
    spec = {"N": 40, "bootstrap": 50, "assumptions": [
        {"type": "noisy_weights", "name": "Criteria", "noise": {"1": 0.25}},
        {"type": "noisy_weights", "name": "Areas", "noise": {"2": 0.25}}]}
    (folder / "sa.json").write_text(json.dumps(spec), encoding="utf-8")
    done = call("sensitivity", TUTORIAL, "plain.csv", "--spec", "sa.json", "-o", "indices.json",
                "--stats", "stats.csv", "--plot", "indices.svg", cwd=folder)
    assert done.returncode == 0, err(done)
    indices = pd.read_json(folder / "indices.json")
    assert indices["Variable"].tolist() == ["Criteria", "Areas"]
    assert {"Si", "STi", "Si_q5", "Si_q95", "STi_q5", "STi_q95"} <= set(indices.columns)
    stats = pd.read_csv(folder / "stats.csv", encoding="utf-8-sig")
    assert stats["rank_nominal"].tolist() == [1, 3, 2, 4]  # no groups given: one group
    assert (folder / "indices.svg").is_file()


def test_failed_replications_are_one_warning_line(folder):
    # u4 scores 0 on every criterion of A1 (A1.3 = 50% is below the lowest tier): a geometric
    # mean of the areas (level 3, the index) fails for it.
    zero = INPUTS.replace("u4,g2,0.5,1,100,", "u4,g2,0,0,50,")
    (folder / "zero.csv").write_text(zero, encoding="utf-8")
    done = call("uncertainty", TUTORIAL, "zero.csv", "--group-column", "group", "--aggregation",
                "arithmetic,geometric", "--levels", "3",
                "--replications", "100", "-o", "r.csv", cwd=folder)
    assert done.returncode == 0, err(done)
    lines = err(done).splitlines()
    assert len(lines) == 1 and lines[0].startswith("chiso uncertainty: warning: ")
    assert "replications failed" in lines[0] and "Aggregation = geometric" in lines[0] and "unit 'u4'" in lines[0]


def test_a_progress_bar_on_a_terminal(folder, monkeypatch):
    from chiso.cli import main

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal, saved = Terminal(), os.getcwd()
    monkeypatch.setattr(sys, "stderr", terminal)
    os.chdir(folder)
    try:
        assert main(["uncertainty", TUTORIAL, "plain.csv", "--spec", "spec.json", "-o", "r.csv"]) == 0
    finally:
        os.chdir(saved)
    text = terminal.getvalue()
    assert "\r" in text and "300 replications" in text and "written" in text and text.endswith("\n")


@pytest.mark.parametrize("spec, where", [
    ('{"assumptions": [{"type": "noisy_weights", "name": "W", "noise": {"x": 0.2}}]}', "/assumptions/0/noise/x"),
    ('{"assumptions": [{"type": "noisy_weights", "name": "W", "noise": {"1": "big"}}]}', "/assumptions/0/noise/1"),
    ('{"assumptions": [{"type": "aggregation", "name": "A", "methods": "geometric"}]}', "/assumptions/0/methods"),
    ('{"assumptions": [{"type": "data_choice", "name": "D"}]}', "/assumptions/0/type"),
    ('{"assumptions": [{"type": "noisy_weights", "noise": {"1": 0.2}, "weight": 1}]}', "/assumptions/0/weight"),
    ('{"replications": "many", "assumptions": []}', "/replications"),
    ('{"replication": 10}', "/replication"),
    ('[1, 2]', "/: expected an object"),
    ('{"assumptions": [', "/: not JSON"),
])
def test_spec_errors_name_the_file_and_json_path(folder, spec, where):
    (folder / "bad.json").write_text(spec, encoding="utf-8")
    done = call("uncertainty", TUTORIAL, "plain.csv", "--spec", "bad.json", "-o", "r.csv", cwd=folder)
    assert_clean_error(done, 1, f"bad.json: {where}", "[chiso.cli.spec]")
    assert not (folder / "r.csv").exists()


def test_other_errors_are_one_line(folder):
    (folder / "bad.toml").write_text("replications = = 3\n", encoding="utf-8")
    assert_clean_error(call("uncertainty", TUTORIAL, "plain.csv", "--spec", "bad.toml", cwd=folder), 1,
                       "bad.toml: /: not TOML", "[chiso.cli.spec]")
    assert_clean_error(call("uncertainty", TUTORIAL, "plain.csv", "--spec", "none.json", cwd=folder), 1,
                       "none.json: /: no such file")
    assert_clean_error(call("uncertainty", TUTORIAL, "plain.csv", cwd=folder), 1, "no uncertain assumption",
                       "--noise")
    assert_clean_error(call("uncertainty", TUTORIAL, "plain.csv", "--noise", "one", cwd=folder), 1,
                       "--noise 'one'", "LEVEL=FACTOR")
    assert_clean_error(call("uncertainty", TUTORIAL, "plain.csv", "--noise", "1=0.2", "--plot", "p.pdf",
                            cwd=folder), 1, "p.pdf", ".png or .svg")
    assert_clean_error(call("uncertainty", TUTORIAL, "plain.csv", "--noise", "9=0.2", cwd=folder), 1,
                       "level 9", "[chiso.uncertainty.noise]")
    assert_clean_error(call("uncertainty", TUTORIAL, "plain.csv", "--aggregation", "median", cwd=folder), 1,
                       "median")
    (folder / "broken.csv").write_text(INPUTS.replace("u3,g2,1.5", "u3,g2,lots"), encoding="utf-8")
    assert_clean_error(call("uncertainty", TUTORIAL, "broken.csv", "--group-column", "group", "--noise", "1=0.2",
                            cwd=folder), 1,
                       "broken.csv:4", "'lots'")
