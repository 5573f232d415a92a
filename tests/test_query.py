"""SPARQL presets, the sandboxed runner and ``graphbuild query``."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from graph_fixtures import sample

from graphbuild.cli import main
from graphbuild.errors import QueryError
from graphbuild.export.rdf import write_rdf_exports
from graphbuild.query import format_result, list_presets, load_preset, open_target, run_query
from graphbuild.query.targets import load_file

INJECTIONS = [
    'x" } ; DROP ALL ; #',
    "\\u0022 } ; DROP ALL ; #",
    'USSR" || true || "',
    "USSR') } UNION { ?a ?b ?c } #",
    "}}}{{{",
]


@pytest.fixture(scope="module")
def outdir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    write_rdf_exports(out, *sample())
    return out


@pytest.fixture(scope="module", params=["rdflib", "oxigraph"])
def engine(request, outdir):
    return load_file(outdir / "graph.trig", engine=request.param)


def _count(engine) -> int:
    return run_query(engine, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0][0]


# --- presets -------------------------------------------------------------------------------------------

def test_presets_are_packaged_with_their_parameters():
    presets = list_presets()
    assert set(presets) == {"who-said-what", "claims-about", "contradictions", "sources", "timeline"}
    assert dict(presets["claims-about"].params).keys() == {"actor"}
    assert dict(presets["timeline"].params).keys() == {"actor"}
    assert not presets["who-said-what"].params
    with pytest.raises(QueryError, match="no preset"):
        load_preset("../../etc/passwd")


def test_who_said_what(engine):
    r = run_query(engine, load_preset("who-said-what"))
    rows = [dict(zip(r.columns, row, strict=True)) for row in r.rows]
    assert len(rows) == 6
    assert {row["source"] for row in rows} == {"British Embassy in Moscow", "analyst", "[redacted]",
                                               "French Foreign Office", "Le Monde"}
    denial = next(row for row in rows if row["cue"] == "denies")
    assert (denial["polarity"], denial["commitment"], denial["document"]) == ("negative", "certain", "cable.txt")
    assert str(denial["date"]) == "1952-03-14"


@pytest.mark.parametrize("name", ["USSR", "ussr", "Moscow", "soviet"])
def test_claims_about_matches_id_label_and_aliases(engine, name):
    r = run_query(engine, load_preset("claims-about"), {"actor": name})
    assert len({row[r.columns.index("id")] for row in r.rows}) == len(r.rows) == 5
    assert all("Soviet" in row[r.columns.index("claim")] or "Moscow" in row[r.columns.index("claim")]
               for row in r.rows)


def test_timeline_is_ordered_by_date(engine):
    r = run_query(engine, load_preset("timeline"), {"actor": "Yugoslavia"})
    dates = [str(row[r.columns.index("date")]) for row in r.rows]
    assert dates == ["1952-03-12", "1952-03-14"]


def test_contradictions_and_sources(engine):
    r = run_query(engine, load_preset("contradictions"))
    assert len(r.rows) == 1
    row = dict(zip(r.columns, r.rows[0], strict=True))
    assert {row["sourceA"], row["sourceB"]} == {"French Foreign Office", "[redacted]"}
    assert row["score"] == pytest.approx(0.85)
    s = run_query(engine, load_preset("sources"))
    by_id = {row[s.columns.index("id")]: dict(zip(s.columns, row, strict=True)) for row in s.rows}
    assert by_id["british-embassy-in-moscow"]["claims"] == 2
    assert by_id["british-embassy-in-moscow"]["corroborated"] == 2
    assert by_id["redacted"]["contradicted"] == 1


def test_both_engines_give_the_same_rows(outdir):
    engines = [load_file(outdir / "graph.trig", engine=e) for e in ("rdflib", "oxigraph")]
    for name, params in [("who-said-what", {}), ("claims-about", {"actor": "USSR"}), ("contradictions", {}),
                         ("sources", {}), ("timeline", {"actor": "USSR"})]:
        a, b = (run_query(e, load_preset(name), params) for e in engines)
        assert a.columns == b.columns
        assert [tuple(map(str, r)) for r in a.rows] == [tuple(map(str, r)) for r in b.rows], name


def test_pages_of_a_listing(engine):
    everything = run_query(engine, load_preset("who-said-what"))
    assert not everything.more and len(everything.rows) == 6
    first = run_query(engine, load_preset("who-said-what"), limit=4)
    rest = run_query(engine, load_preset("who-said-what"), limit=4, offset=4)
    assert first.more and not rest.more
    assert first.rows + rest.rows == everything.rows
    exact = run_query(engine, load_preset("who-said-what"), limit=6)
    assert not exact.more and exact.rows == everything.rows
    assert "more rows follow" in format_result(first) and "more rows follow" not in format_result(rest)
    with pytest.raises(QueryError, match="negative"):
        run_query(engine, load_preset("who-said-what"), limit=-1)


LITERALS = """
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<urn:g> {
  <urn:s> <urn:p> 42, "-7"^^xsd:integer, "+8"^^xsd:integer, "007"^^xsd:nonNegativeInteger,
      "-1"^^xsd:nonNegativeInteger, "abc"^^xsd:integer, 1.50, ".5"^^xsd:decimal, "1e3"^^xsd:double,
      true, "0"^^xsd:boolean, "maybe"^^xsd:boolean, "1952-03-14"^^xsd:date, "1952"^^xsd:gYear,
      "1952-03-14T10:00:00"^^xsd:dateTime, "Moskva"@ru, "plain", "x"^^<urn:type>, <urn:o>, [] .
}
"""


def test_both_engines_convert_every_kind_of_term_alike(tmp_path):
    # Oxigraph rows are converted without rdflib terms; they must equal what rdflib gives, type and all.
    path = tmp_path / "terms.trig"
    path.write_text(LITERALS, encoding="utf-8")
    query = "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(!isBlank(?o)) } ORDER BY STR(?o)"
    a, b = (run_query(load_file(path, engine=e), query) for e in ("rdflib", "oxigraph"))
    assert len(a.rows) == 19
    assert sorted(map(repr, a.rows)) == sorted(map(repr, b.rows))
    assert {type(v) for (v,) in b.rows} >= {int, float, bool, str}
    blank = "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isBlank(?o)) }"
    assert all(v.startswith("_:") for e in ("rdflib", "oxigraph")
               for (v,) in run_query(load_file(path, engine=e), blank).rows)


# --- sandbox -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", INJECTIONS)
def test_injected_parameters_match_nothing_and_change_nothing(engine, value):
    before = _count(engine)
    r = run_query(engine, load_preset("claims-about"), {"actor": value})
    assert r.rows == []
    assert _count(engine) == before


def test_parameters_must_be_selected_and_well_named(engine):
    with pytest.raises(QueryError, match="SELECT clause"):
        run_query(engine, "SELECT ?s WHERE { ?s ?p ?x }", {"x": "1"})
    with pytest.raises(QueryError, match="variable name"):
        run_query(engine, "SELECT ?s WHERE { ?s ?p ?o }", {"o }": "1"})
    with pytest.raises(QueryError, match="needs --param"):
        run_query(engine, load_preset("claims-about"))
    with pytest.raises(QueryError, match="takes no parameter"):
        run_query(engine, load_preset("sources"), {"actor": "USSR"})


def test_from_never_loads_files_or_urls(engine, tmp_path):
    secret = tmp_path / "secret.ttl"
    secret.write_text("<urn:x> <urn:y> \"SECRET-TRIPLE\" .\n", encoding="utf-8")
    for clause in (f"FROM <{secret.as_uri()}>", f"FROM NAMED <{secret.as_uri()}>", "FROM <file:///etc/passwd>",
                   "FROM <http://127.0.0.1:9/data.ttl>"):
        with pytest.raises(QueryError, match="never loads"):
            run_query(engine, f"SELECT * {clause} WHERE {{ ?s ?p ?o }}")
    # Naming a graph the target holds is fine and reads only that graph.
    g = min(engine.graph_names())
    r = run_query(engine, f"SELECT (COUNT(*) AS ?n) FROM <{g}> WHERE {{ ?s ?p ?o }}")
    assert 0 < r.rows[0][0] < _count(engine)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERV\\u0049CE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://127.0.0.1:9/> { ?s ?q ?r } } }",
])
def test_service_is_refused(engine, query):
    with pytest.raises(QueryError, match="SERVICE"):
        run_query(engine, query)


@pytest.mark.parametrize("update", ["DROP ALL", "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                                    "LOAD <file:///etc/passwd>", "CLEAR DEFAULT"])
def test_updates_are_refused(engine, update):
    before = _count(engine)
    with pytest.raises(QueryError, match="updates are refused"):
        run_query(engine, update)
    assert _count(engine) == before


def test_slow_queries_time_out(outdir):
    engine = load_file(outdir / "graph.trig", engine="rdflib")
    t0 = time.monotonic()
    with pytest.raises(QueryError, match="timed out"):
        run_query(engine, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=0.5)
    assert time.monotonic() - t0 < 5


def test_remote_jsonld_contexts_are_refused(tmp_path):
    for context in ("http://127.0.0.1:9/context.jsonld", ["context.jsonld"], {"@import": "http://127.0.0.1:9/c"}):
        path = tmp_path / "remote.jsonld"
        path.write_text(json.dumps({"@context": context, "@id": "urn:a", "urn:b": "c"}), encoding="utf-8")
        with pytest.raises(QueryError, match="remote context"):
            open_target(path)


def test_unknown_targets_are_refused(tmp_path):
    (tmp_path / "x.rdf").write_text("<rdf:RDF/>", encoding="utf-8")
    with pytest.raises(QueryError, match="not an RDF file"):
        open_target(tmp_path / "x.rdf")
    with pytest.raises(QueryError, match="no graph here"):
        open_target(tmp_path)


def test_output_formats_escape_terminal_controls():
    from graphbuild.query import QueryResult

    r = QueryResult(("a", "b"), [("x\x1b[31mred", 3), (None, True)])
    table = format_result(r, "table")
    assert "\x1b" not in table and "\\x1b" in table and "(2 rows)" in table
    assert "\x1b" not in format_result(r, "csv")
    assert json.loads(format_result(r, "json")) == [{"a": "x\x1b[31mred", "b": 3}, {"a": None, "b": True}]


# --- CLI -----------------------------------------------------------------------------------------------

def test_cli_preset_with_param(outdir, capsys):
    assert main(["query", str(outdir), "--preset", "claims-about", "--param", "actor=USSR", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 5 and {r["actor"] for r in rows} == {"ussr"}


@pytest.mark.parametrize("value", INJECTIONS)
def test_cli_injection_gives_no_rows_and_no_trace(outdir, capsys, value):
    assert main(["query", str(outdir), "--preset", "claims-about", "--param", f"actor={value}",
                 "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    assert out.strip().splitlines()[1:] == []
    assert "Traceback" not in err and err == ""


def test_cli_refusals_are_one_line_errors(outdir, tmp_path, capsys):
    rq = tmp_path / "q.rq"
    rq.write_text("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", encoding="utf-8")
    assert main(["query", str(outdir), "-f", str(rq)]) == 1
    err = capsys.readouterr().err
    assert "never loads" in err and "Traceback" not in err and "root:" not in err
    assert main(["query", str(outdir / "graph.ttl"), "SELECT ?s WHERE { ?s a gb:Claim }",
                 "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 7


# --- the seed, end to end ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_out(tmp_path_factory, nlp, seed_path) -> Path:
    from graphbuild.ingest.read import read_inputs
    from graphbuild.ingest.segment import segment_document
    from graphbuild.link import link_claims
    from graphbuild.nlp import extract_claims

    (document,) = list(read_inputs([seed_path]))
    extraction = extract_claims(segment_document(document), nlp)
    out = tmp_path_factory.mktemp("seed")
    write_rdf_exports(out, [extraction], link_claims([extraction]))
    return out


def test_seed_who_said_what(seed_out):
    r = run_query(open_target(seed_out), load_preset("who-said-what"))
    sources = {row[r.columns.index("source")] for row in r.rows}
    kinds = {row[r.columns.index("sourceKind")] for row in r.rows}
    assert any("Embassy" in s for s in sources)
    assert any("British mission" in s for s in sources)
    assert {"redacted", "analyst"} <= kinds
    embassy = [row for row in r.rows if "Embassy" in row[r.columns.index("source")]]
    assert any(row[r.columns.index("cue")] == "states" for row in embassy)


def test_seed_claims_about_ussr_find_soviet_and_moscow(seed_out):
    r = run_query(open_target(seed_out), load_preset("claims-about"), {"actor": "USSR"})
    claims = [row[r.columns.index("claim")] for row in r.rows]
    assert any("Soviet" in c for c in claims)
    assert any("Moscow" in c for c in claims)
