"""Catalog 8 — RDF inputs (``graphbuild query`` reads RDF files): RDF/XML (entity expansion) is not
accepted, a remote JSON-LD ``@context`` is refused rather than fetched, and ``owl:imports`` or a
``FROM <url>`` never make graphbuild fetch anything. A local HTTP server counts any request."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from _adv import cli


@pytest.fixture
def server():
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = json.dumps({"@context": {"x": "http://example.org/x"}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", hits
    httpd.shutdown()
    httpd.server_close()


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/s"><ex:p>&d;&d;&d;&d;</ex:p></rdf:Description>
</rdf:RDF>
"""

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.mark.parametrize("suffix", [".rdf", ".owl", ".xml"])
def test_rdf_xml_is_not_accepted(tmp_path, suffix):
    path = tmp_path / f"laughs{suffix}"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    run = cli("query", path, QUERY)
    assert run.status == 1 and len(run.lines) == 1 and str(path) in run.err, run.err


def test_remote_jsonld_context_is_refused_not_fetched(tmp_path, server):
    url, hits = server
    path = tmp_path / "remote.jsonld"
    path.write_text(json.dumps({"@context": f"{url}/context.jsonld", "@id": "http://example.org/s",
                                "x": "y"}), encoding="utf-8")
    run = cli("query", path, QUERY)
    assert run.status == 1 and "context" in run.err.lower(), run.err
    assert hits == []


def test_owl_imports_and_from_never_fetch(tmp_path, server):
    url, hits = server
    path = tmp_path / "imports.ttl"
    path.write_text(f"<http://example.org/o> a <http://www.w3.org/2002/07/owl#Ontology> ;\n"
                    f"  <http://www.w3.org/2002/07/owl#imports> <{url}/ontology.ttl> .\n", encoding="utf-8")
    run = cli("query", path, QUERY, "--format", "json")
    assert run.status == 0, run.err
    assert json.loads(run.out) == [{"n": 2}]
    run = cli("query", path, f"SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}")
    assert hits == []
    run = cli("query", path, f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}")
    assert run.status == 1 and hits == []
