"""Embedded store: idempotent ingest, replace, remove, incremental links, locking, crash safety."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from _synthetic_docs import make_extraction

from graphbuild import ids
from graphbuild.errors import StoreError
from graphbuild.store import EmbeddedStore, Ingestor, sorted_nquads
from graphbuild.store.ingest import read_extractions

ROOT = Path(__file__).resolve().parent.parent


def _docs(n: int, **kw):
    return [make_extraction(f"doc-{i}", seed=i, claims=3, actors=2, pool=4, **kw) for i in range(n)]


def _ingest(path: Path, extractions, **kw) -> list[str]:
    with EmbeddedStore(path) as store:
        ingestor = Ingestor(store, **kw)
        return [ingestor.add(ex).action for ex in extractions]


def _dump(path: Path) -> list[str]:
    with EmbeddedStore(path, read_only=True) as store:
        return sorted_nquads(store.quads())


def _graph_count(path: Path) -> int:
    with EmbeddedStore(path, read_only=True) as store:
        return len(list(store.store.named_graphs()))


def test_second_ingest_changes_nothing(tmp_path):
    docs = _docs(6)
    assert _ingest(tmp_path / "s", docs) == ["added"] * 6
    first = _dump(tmp_path / "s")
    assert _ingest(tmp_path / "s", docs) == ["unchanged"] * 6
    assert _dump(tmp_path / "s") == first
    # and the same documents ingested one per run give the very same store
    for ex in docs:
        _ingest(tmp_path / "t", [ex])
    assert _dump(tmp_path / "t") == first


def test_incremental_links_cross_documents_and_live_in_the_new_graph(tmp_path):
    docs = _docs(6)
    _ingest(tmp_path / "s", docs)
    with EmbeddedStore(tmp_path / "s", read_only=True) as store:
        rows = store.select(textwrap.dedent("""
            PREFIX gb: <https://w3id.org/graphbuild/ns#>
            PREFIX prov: <http://www.w3.org/ns/prov#>
            SELECT ?g ?ga ?gb WHERE {
              GRAPH ?g { ?l a gb:ClaimLink ; gb:linkFrom ?a ; gb:linkTo ?b }
              GRAPH ?ga { ?a a gb:Claim } GRAPH ?gb { ?b a gb:Claim }
            }"""))
    cross = [r for r in rows if r["ga"] != r["gb"]]
    assert cross, "synthetic documents about shared actors should link across documents"
    for r in cross:
        assert r["g"] in (r["ga"], r["gb"])  # stored with one of its two documents


def test_changed_document_replaces_its_graph(tmp_path):
    v1 = make_extraction("report.txt", seed=1, pool=4)
    v2 = make_extraction("report.txt", seed=1, pool=4, version=2)
    other = make_extraction("other.txt", seed=2, pool=4)
    assert _ingest(tmp_path / "s", [v1, other]) == ["added", "added"]
    assert _ingest(tmp_path / "s", [v2]) == ["replaced"]
    with EmbeddedStore(tmp_path / "s", read_only=True) as store:
        registry = store.documents()
        graphs = {str(g.value) for g in store.store.named_graphs()}
    assert [d.sha256 for d in registry["report.txt"]] == [v2.document.sha256]
    assert ids.graph_iri(v1.document.sha256) not in graphs
    assert graphs == {ids.graph_iri(v2.document.sha256), ids.graph_iri(other.document.sha256)}
    # the result is the same as ingesting the final versions into a fresh store
    _ingest(tmp_path / "fresh", [other, v2])
    assert _dump(tmp_path / "s") == _dump(tmp_path / "fresh")


def test_remove_drops_graph_and_links_to_it(tmp_path):
    docs = _docs(5)
    _ingest(tmp_path / "s", docs)
    with EmbeddedStore(tmp_path / "s") as store:
        ingestor = Ingestor(store)
        assert ingestor.remove("doc-0") is not None
        assert ingestor.remove("doc-0") is None
    # removing the first document leaves what ingesting the others alone would have given, links
    # included: every link from a later document to doc-0's claims went with it
    removed_claims = {ids.claim_iri(c.id) for c in docs[0].claims}
    dump = _dump(tmp_path / "s")
    assert not [line for line in dump if any(c in line for c in removed_claims)]
    assert not [line for line in dump if ids.document_iri(docs[0].document.sha256) in line]
    assert _graph_count(tmp_path / "s") == 4


def test_same_text_under_two_ids_shares_one_graph(tmp_path):
    a = make_extraction("a.txt", seed=7)
    b_doc = make_extraction("b.txt", seed=7)
    assert _ingest(tmp_path / "s", [a, b_doc]) == ["added", "alias"]
    with EmbeddedStore(tmp_path / "s") as store:
        ingestor = Ingestor(store)
        assert set(ingestor.stored()) == {"a.txt", "b.txt"}
        ingestor.remove("a.txt")
        assert set(ingestor.stored()) == {"b.txt"}
        assert len(list(store.store.named_graphs())) == 1
        ingestor.remove("b.txt")
        assert list(store.store.named_graphs()) == []


def test_stored_claims_read_back_as_records(tmp_path):
    ex = make_extraction("r.txt", seed=3, claims=4)
    _ingest(tmp_path / "s", [ex])
    with EmbeddedStore(tmp_path / "s", read_only=True) as store:
        back = read_extractions(store, [ids.graph_iri(ex.document.sha256)])
    (stored,) = back.values()
    assert stored.document.text == ex.document.text
    assert stored.segmentation.meta.date == ex.segmentation.meta.date
    assert sorted(stored.claims, key=lambda c: c.id) == sorted(ex.claims, key=lambda c: c.id)


def test_documents_added_in_a_run_are_linked_against_as_the_store_reads_them(tmp_path):
    # Ingest keeps what read_extractions would give for the documents it wrote, instead of reading
    # them back; an alias with a smaller id changes what is read back, so that copy is dropped.
    docs = _docs(6)
    with EmbeddedStore(tmp_path / "s") as store:
        ingestor = Ingestor(store)
        for ex in docs:
            ingestor.add(ex)
        graphs = [ids.graph_iri(ex.document.sha256) for ex in docs]
        fresh = read_extractions(store, graphs)
        assert ingestor.load(graphs) == [fresh[g] for g in graphs]
        alias = make_extraction("a-alias", seed=0, claims=3, actors=2, pool=4)
        assert ingestor.add(alias).action == "alias"
        (reread,) = ingestor.load(graphs[:1])
        assert reread.document.id == "a-alias" and reread == read_extractions(store, graphs[:1])[graphs[0]]


def test_second_writer_and_reader_get_a_clear_error(tmp_path):
    _ingest(tmp_path / "s", _docs(1))
    with EmbeddedStore(tmp_path / "s"):
        with pytest.raises(StoreError, match="locked by another process"):
            EmbeddedStore(tmp_path / "s")
        with pytest.raises(StoreError, match="being written by another process"):
            EmbeddedStore(tmp_path / "s", read_only=True)
        # another process: the CLI says so in one line and exits 1, before loading any model
        run = subprocess.run([sys.executable, "-m", "graphbuild", "ingest", str(ROOT / "tests/data/seeds"),
                              "--store", str(tmp_path / "s")], check=False, capture_output=True, text=True, timeout=120)
        assert run.returncode == 1
        assert "store is locked by another process" in run.stderr
        assert "Traceback" not in run.stderr
    with EmbeddedStore(tmp_path / "s", read_only=True) as r1, EmbeddedStore(tmp_path / "s", read_only=True) as r2:
        assert r1.documents() == r2.documents()  # readers share


_WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from _synthetic_docs import make_extraction
    from graphbuild.store import EmbeddedStore, Ingestor
    with EmbeddedStore({store!r}) as store:
        put_graph = store.put_graph
        def announced(graph, quads):  # tell the test when a write starts, so it can kill mid-write
            print("writing", flush=True)
            put_graph(graph, quads)
        store.put_graph = announced
        ingestor = Ingestor(store, link=False)
        for i in range({n}):
            print(ingestor.add(make_extraction(f"doc-{{i}}", seed=i, claims={claims})).action, flush=True)
""")


def test_sigkill_mid_ingest_leaves_whole_documents_and_rerun_completes(tmp_path):
    from graphbuild.graph.rdf import document_graph_oxigraph

    n, claims = 4, 400  # ~20k quads per document: one transaction long enough to be hit mid-write
    expected = {}
    for i in range(n):
        ex = make_extraction(f"doc-{i}", seed=i, claims=claims)
        graph = ids.graph_iri(ex.document.sha256)
        memory = ox.Store()  # read back through Oxigraph, which stores derived integer types as xsd:integer
        memory.extend(document_graph_oxigraph(ex))
        expected[graph] = sorted_nquads(memory)
    script = _WRITER.format(tests=str(ROOT / "tests"), store=str(tmp_path / "s"), n=n, claims=claims)

    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    lines = []
    while lines.count("writing") < 3:  # two documents written, the third being written
        line = proc.stdout.readline()
        assert line, "writer ended early"
        lines.append(line.strip())
    time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()

    with EmbeddedStore(tmp_path / "s", read_only=True) as store:
        graphs = [g.value for g in store.store.named_graphs()]
        assert 2 <= len(graphs) < n
        for g in graphs:  # every document present is complete, quad for quad
            assert sorted_nquads(store.store.quads_for_pattern(None, None, None, ox.NamedNode(g))) == expected[g]
        assert len(store.documents()) == len(graphs)

    rerun = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True, timeout=300)
    assert rerun.stdout.split().count("unchanged") == len(graphs)
    with EmbeddedStore(tmp_path / "s", read_only=True) as store:
        got = {g.value: sorted_nquads(store.store.quads_for_pattern(None, None, None, g))
               for g in store.store.named_graphs()}
    assert got == expected


def test_cli_ingest_is_idempotent_and_remove_works(tmp_path, seed_path, nlp, capsys):
    from graphbuild.cli import main

    store = tmp_path / "s"
    assert main(["ingest", str(seed_path), "--store", str(store)]) == 0
    summary = capsys.readouterr().err
    assert "1 documents ok" in summary and "0 failed" in summary and "claims" in summary
    first = _dump(store)
    assert any("Claim" in line for line in first)
    assert main(["-q", "ingest", str(seed_path), "--store", str(store)]) == 0
    assert _dump(store) == first
    assert main(["remove", str(seed_path), "--store", str(store)]) == 0
    assert _graph_count(store) == 0
    assert main(["remove", str(seed_path), "--store", str(store)]) == 1
    assert "not in the store" in capsys.readouterr().err


def test_lock_error_names_holder_and_store_must_exist_for_readers(tmp_path):
    with pytest.raises(StoreError, match="no such store"):
        EmbeddedStore(tmp_path / "missing", read_only=True)
    with EmbeddedStore(tmp_path / "s"):
        text = (tmp_path / "s" / "graphbuild.lock").read_text()
        assert f"pid {os.getpid()}" in text
