"""The package is typed: py.typed and the stubs of the compiled module are installed beside it,
describe what the module holds, and the package's Python code type-checks against them."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

import chiso
from chiso import _core


PACKAGE = Path(chiso.__file__).parent


def test_py_typed_and_stubs_are_installed():
    assert (PACKAGE / "py.typed").is_file()
    for name in ("__init__", "analysis", "assessment", "sensitivity"):
        assert (PACKAGE / "_core" / f"{name}.pyi").is_file(), name


def stub_names(path: Path) -> set:
    import ast
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, (ast.ClassDef, ast.FunctionDef))}


@pytest.mark.parametrize("module", ["", "analysis", "assessment", "sensitivity"])
def test_stubs_list_what_the_module_holds(module):
    compiled = getattr(_core, module) if module else _core
    stub = PACKAGE / "_core" / f"{module or '__init__'}.pyi"
    public = {name for name in dir(compiled) if not name.startswith("_")
              and (callable(getattr(compiled, name)) and not isinstance(getattr(compiled, name), type(_core)))}
    assert public <= stub_names(stub), public - stub_names(stub)


def test_version_comes_from_pyproject():
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert f'version = "{chiso.__version__}"' in text


def test_mypy_accepts_the_core_python_modules():
    assert importlib.util.find_spec("mypy") is not None, "mypy (a test dependency) is not installed"
    # Checked as installed modules (mypy finds them through py.typed); a source tree on
    # PYTHONPATH is given to mypy through MYPYPATH instead.
    modules = [arg for name in ("model", "result", "errors", "plotting") for arg in ("-m", f"chiso.{name}")]
    environment = dict(os.environ)
    if "site-packages" not in PACKAGE.parts:
        environment["MYPYPATH"] = str(PACKAGE.parent)
    done = subprocess.run([sys.executable, "-m", "mypy", "--ignore-missing-imports", "--no-incremental",
                           "--follow-imports=silent", *modules], capture_output=True, text=True, env=environment)
    assert done.returncode == 0, done.stdout + done.stderr
