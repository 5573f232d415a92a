"""`graphbuild serve` (read-only SPARQL + HTML) and ingest over the Graph Store Protocol to a real Oxigraph."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from _synthetic_docs import make_extraction

from graphbuild.errors import StoreError
from graphbuild.store import EmbeddedStore, Ingestor, RemoteStore, sorted_nquads
from graphbuild.store.server import Server, free_port, oxigraph_binary


def _docs(n: int):
    return [make_extraction(f"doc-{i}", seed=i, claims=3, actors=2, pool=4) for i in range(n)]


def _request(url: str, *, data: bytes | None = None, method: str | None = None, headers: dict | None = None,
             timeout: float = 30) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _select(url: str, query: str) -> tuple[int, bytes]:
    return _request(f"{url}/query?{urllib.parse.urlencode({'query': query})}",
                    headers={"Accept": "application/sparql-results+json"})


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("served") / "store"
    with EmbeddedStore(path) as store:
        ingestor = Ingestor(store)
        for ex in _docs(4):
            ingestor.add(ex)
    return path


@pytest.fixture(scope="module")
def server(store_dir):
    with Server(store_dir, port=0, timeout=1, html=b"<!DOCTYPE html><title>graph</title>") as srv:
        yield srv


def test_answers_sparql_over_all_document_graphs(server):
    status, body = _select(server.url, "PREFIX gb: <https://w3id.org/graphbuild/ns#> "
                                       "SELECT (COUNT(?c) AS ?n) WHERE { ?c a gb:Claim }")
    assert status == 200
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "12"  # union of the 4 graphs
    # POST with application/sparql-query, CSV results
    status, body = _request(f"{server.url}/query", data=b"SELECT ?g WHERE { GRAPH ?g { } }",
                            headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert status == 200 and body.decode().splitlines()[0].strip() == "g"
    assert len(body.decode().split()) == 5


def test_refuses_updates_writes_and_service(server):
    status, body = _request(f"{server.url}/update", data=b"update=DROP+ALL",
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403 and b"read-only" in body
    status, _ = _request(f"{server.url}/query", data=b"DROP ALL", headers={"Content-Type": "application/sparql-update"})
    assert status == 403
    status, _ = _request(f"{server.url}/store?graph=http://x/g", data=b"<http://x/a> <http://x/b> <http://x/c> .",
                         method="PUT", headers={"Content-Type": "application/n-triples"})
    assert status == 403
    status, body = _select(server.url, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert status == 400 and b"SERVICE is refused" in body
    status, body = _select(server.url, "DELETE WHERE { ?s ?p ?o }")
    assert status == 400
    # nothing changed
    status, body = _select(server.url, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert status == 200 and int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 100


def test_queries_time_out(server):
    started = time.monotonic()
    status, _ = _select(server.url, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    assert status >= 400
    assert time.monotonic() - started < 20


def test_serves_html_and_blocks_writers(server, store_dir):
    status, body = _request(f"{server.url}/")
    assert status == 200 and body.startswith(b"<!DOCTYPE html>")
    with pytest.raises(StoreError, match="locked by another process"):
        EmbeddedStore(store_dir)


# -- Graph Store Protocol against a real Oxigraph server ----------------------------------------------


@pytest.fixture
def oxigraph_server(tmp_path):
    port = free_port()
    proc = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(tmp_path / "remote"),
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            assert proc.poll() is None and time.monotonic() < deadline, "oxigraph server did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_ingest_over_graph_store_protocol_matches_embedded(tmp_path, oxigraph_server):
    docs = _docs(5)
    with EmbeddedStore(tmp_path / "local") as store:
        ingestor = Ingestor(store)
        for ex in docs:
            ingestor.add(ex)
        expected = sorted_nquads(store.quads())

    remote = RemoteStore(f"{oxigraph_server}/query")
    ingestor = Ingestor(remote)
    assert [ingestor.add(ex).action for ex in docs] == ["added"] * 5
    assert [Ingestor(remote).add(ex).action for ex in docs] == ["unchanged"] * 5

    def dump() -> list[str]:
        status, body = _request(f"{oxigraph_server}/store", headers={"Accept": "application/n-quads"})
        assert status == 200
        import pyoxigraph as ox

        return sorted_nquads(ox.parse(body, format=ox.RdfFormat.N_QUADS))

    assert dump() == expected
    # remove over SPARQL Update: the graph and the links other graphs held to it go
    Ingestor(remote).remove("doc-0")
    with EmbeddedStore(tmp_path / "local") as store:
        Ingestor(store).remove("doc-0")
        assert dump() == sorted_nquads(store.quads())


def test_unreachable_endpoint_is_a_clear_error():
    with pytest.raises(StoreError, match="cannot reach the SPARQL server"):
        RemoteStore(f"http://127.0.0.1:{free_port()}/query", timeout=5).documents()
    with pytest.raises(StoreError, match="http"):
        RemoteStore("file:///etc/passwd")
