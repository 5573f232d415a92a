"""The README and docs/ tell the truth: the CLI reference is current, links resolve, examples run."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"


def _section(text: str, heading: str) -> str:
    start = text.index(f"\n{heading}\n")
    end = text.find("\n## ", start + len(heading) + 2)
    return text[start:end if end != -1 else None]


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, re.DOTALL)


def test_cli_reference_is_generated_from_the_current_cli():
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        import gen_cli_reference
    finally:
        sys.path.remove(str(ROOT / "docs"))
    current = gen_cli_reference.OUTPUT.read_text(encoding="utf-8")
    made_with = re.search(r"\(Python (\d+\.\d+)\)", current)
    if made_with and made_with.group(1) != f"{sys.version_info.major}.{sys.version_info.minor}":
        pytest.skip("argparse lays help out differently on another Python version")
    assert current == gen_cli_reference.render(), "run: python docs/gen_cli_reference.py"
    from graphbuild.cli import COMMANDS

    for name in COMMANDS:
        assert f"## graphbuild {name}\n" in current


def test_quick_start_is_two_commands():
    commands = [line for line in _blocks(_section(README.read_text(encoding="utf-8"), "## Quick start"), "sh")[0]
                .splitlines() if line.strip()]
    assert [c.split("#")[0].strip() for c in commands] == ["make example", "make test"]


def test_readme_links_and_images_resolve():
    text = README.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)\)", text)
    local = [t for t in targets if not re.match(r"[a-z]+://", t)]
    assert "docs/seed-graph.png" in local and "docs/cli.md" in local
    missing = [t for t in local if not (ROOT / t).exists()]
    assert not missing


def test_readme_sparql_example_is_the_shipped_query():
    (sparql,) = _blocks(_section(README.read_text(encoding="utf-8"), "## SPARQL"), "sparql")
    shipped = (ROOT / "examples" / "queries" / "analyst-disputes.rq").read_text(encoding="utf-8")
    body = "\n".join(line for line in shipped.splitlines() if not line.startswith("#")).strip()
    assert sparql.strip() == body


@pytest.mark.slow
def test_readme_python_example_runs(tmp_path):
    (code,) = _blocks(_section(README.read_text(encoding="utf-8"), "## Python"), "python")
    assert len(code.strip().splitlines()) <= 10
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=False, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "American Embassy in Moscow |" in out.stdout
    assert (tmp_path / "graph.html").is_file() and (tmp_path / "out" / "claims.jsonl").is_file()


@pytest.mark.slow
def test_a_different_model_by_folder_and_by_assembled_pipeline(tmp_path):
    # What README "Using a different spaCy model" promises, with the installed small pipeline saved
    # to a folder standing in for another model.
    import spacy

    import graphbuild
    from graphbuild.nlp.model import resolve_model

    base = spacy.load(resolve_model())
    base.to_disk(tmp_path / "my-pipeline")
    text = "The British Embassy in Valdoria reports that the dock strike will probably spread."
    by_folder = graphbuild.build(texts=[text], model=str(tmp_path / "my-pipeline"))
    nlp = spacy.load(tmp_path / "my-pipeline")
    nlp.add_pipe("graphbuild_actors")
    nlp.add_pipe("graphbuild_attribution")
    assembled = graphbuild.build(texts=[text], nlp=nlp)
    assert [c.source.label for c in by_folder.claims] == ["British Embassy in Valdoria"]
    assert [c.id for c in assembled.claims] == [c.id for c in by_folder.claims]
