"""The tour notebook runs from top to bottom against the installed package, shows its plots
inline (images in the executed notebook) and its tables as tidy HTML."""
from __future__ import annotations

import re
from pathlib import Path

import nbclient
import nbformat

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "notebooks" / "tour.ipynb"


def test_tour_notebook_runs_and_shows_its_plots():
    source = NOTEBOOK.read_text(encoding="utf-8")
    assert "matplotlib.use(" not in source                              # the inline backend shows plots
    notebook = nbformat.reads(source, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    # Three plots (ranking, bar profile, radar profile) as images.
    images = [o for o in outputs if "data" in o and "image/png" in o["data"]]
    assert len(images) == 3
    html = [o["data"]["text/html"] for o in outputs if "data" in o and "text/html" in o["data"]]
    # The model's tree: collapsible, with the max of the areas.
    tree = next(h for h in html if "chiso-model" in h)
    assert tree.count("<details") > 8 and "[max " in tree
    # Tables: evidence as text (no Python list brackets), numbers with two decimals.
    records = next(h for h in html if "evidence" in h and "chiso-table" in h)
    assert "['" not in records
    tables = [h for h in html if "chiso-table" in h]
    numbers = re.findall(r"text-align:right'>(-?[\d,]+\.\d+)<", "".join(tables))
    assert numbers and all(re.fullmatch(r"-?[\d,]+\.\d{2}", n) for n in numbers)
