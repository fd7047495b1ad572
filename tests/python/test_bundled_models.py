"""The bundled models on every surface the README shows: `chiso.models.names()` after a plain
`import chiso`, and a bundled model's id taken by `chiso.load_model` as by the command line (a
file of that name, when there is one, comes first)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import chiso

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted(p.stem for p in (ROOT / "examples" / "models").glob("*.json"))


def test_names_after_a_plain_import():
    # A fresh interpreter: no other test has imported chiso.models for it.
    done = subprocess.run([sys.executable, "-c", "import chiso, json; print(json.dumps(chiso.models.names()))"],
                          capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == BUNDLED


@pytest.mark.parametrize("name", BUNDLED)
def test_load_model_takes_a_bundled_id(name):
    by_id = chiso.load_model(name)
    from_file = chiso.load_model(ROOT / "examples" / "models" / f"{name}.json")
    assert by_id.to_dict() == from_file.to_dict()


def test_a_file_of_that_name_comes_first(tmp_path, monkeypatch):
    model = json.loads((ROOT / "examples" / "models" / "tutorial-par.json").read_text("utf-8"))
    model["id"] = "my-own"
    (tmp_path / "tutorial-par").write_text(json.dumps(model), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert chiso.load_model("tutorial-par").id == "my-own"


@pytest.mark.parametrize("argument, error_id, text", [
    ("no-such-model", "model.unknown", "no such file, nor a bundled model (bundled: asem-composite"),
    ("no-such.json", "model.open", "no-such.json: no such file"),
    ("folder/model", "model.open", "folder/model: no such file"),
])
def test_neither_a_file_nor_a_bundled_model(argument, error_id, text):
    with pytest.raises(chiso.ModelError) as caught:
        chiso.load_model(argument)
    assert caught.value.id == error_id and text in str(caught.value)
