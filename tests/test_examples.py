"""The examples are part of the documentation, so they run as tests: the notebook and the scripts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent / "examples"
NOTEBOOK = EXAMPLES / "walkthrough.ipynb"


def test_notebook_is_committed_without_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)


@pytest.mark.slow
def test_notebook_runs_and_shows_the_network_inline():
    import nbclient  # the test extra installs nbclient, nbformat and ipykernel
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    # The notebook's cwd is its folder, as in Jupyter; a failing cell raises CellExecutionError.
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(EXAMPLES)}}).execute()
    texts, pages = [], []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", out
            texts.append(out.get("text", "") or out.get("data", {}).get("text/plain", ""))
            if "text/html" in out.get("data", {}):
                pages.append(out["data"]["text/html"])
    stdout = "".join(texts)
    assert "American Embassy in Moscow" in stdout  # who said what
    assert "claims" in stdout  # the custom SPARQL query's column
    assert pages and pages[-1].startswith("<iframe") and "srcdoc=" in pages[-1]
    assert "<script" not in pages[-1]  # the page is inside the escaped attribute


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(EXAMPLES.glob("*.py")), ids=lambda p: p.name)
def test_example_script_runs(script):
    out = subprocess.run([sys.executable, str(script)], cwd=EXAMPLES, check=False, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()
    if script.name == "who_said_what.py":  # all four examples: claims by source, then contradictions
        assert "American Embassy in Moscow [" in out.stdout and "CONTRADICTS" in out.stdout

