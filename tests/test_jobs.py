"""``--jobs N``: the NLP stage in local worker processes gives exactly the output of one process."""

from __future__ import annotations

import json
import pickle

import pytest

from graphbuild.store import EmbeddedStore, sorted_nquads


def _inputs(data_dir):
    inputs = [str(p) for p in sorted((data_dir / "corpus" / "cib").glob("*.txt"))[:4]]
    inputs.append(str(next((data_dir / "seeds").glob("*.txt"))))
    return inputs


def test_documents_pickle_with_their_metadata():
    from graphbuild.records import Document

    doc = Document("a.jsonl#1", "text", "0" * 64, "a.jsonl", metadata={"date": "1952-01-01"})
    back = pickle.loads(pickle.dumps(doc))
    assert back == doc and dict(back.metadata) == {"date": "1952-01-01"}
    with pytest.raises(TypeError):
        back.metadata["date"] = "x"  # still read-only after the round trip


@pytest.mark.slow
def test_ingest_with_two_jobs_writes_the_same_triples(tmp_path, data_dir, nlp):
    from graphbuild.cli import main

    inputs = _inputs(data_dir)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00")  # not text: reported, the others still ingested
    assert main(["-q", "ingest", *inputs, "--store", str(tmp_path / "one")]) == 0
    assert main(["-q", "ingest", *inputs, str(bad), "--store", str(tmp_path / "two"), "--jobs", "2"]) == 1

    def dump(path):
        with EmbeddedStore(path, read_only=True) as store:
            return sorted_nquads(store.quads())

    one = dump(tmp_path / "one")
    assert len(one) > 1000
    assert dump(tmp_path / "two") == one


@pytest.mark.slow
def test_build_with_two_jobs_gives_the_same_claims(tmp_path, data_dir, nlp):
    from graphbuild.cli import main

    inputs = _inputs(data_dir)[:3]
    assert main(["-q", "build", *inputs, "-o", str(tmp_path / "one"), "--no-html"]) == 0
    assert main(["-q", "build", *inputs, "-o", str(tmp_path / "two"), "--no-html", "-j", "2"]) == 0
    for name in ("claims.jsonl", "relations.jsonl"):
        one = (tmp_path / "one" / name).read_text(encoding="utf-8")
        assert one.strip() and (tmp_path / "two" / name).read_text(encoding="utf-8") == one
    assert [json.loads(x)["id"] for x in one.splitlines()]


def test_jobs_must_be_positive(capsys):
    from graphbuild.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["ingest", "x.txt", "--store", "s", "--jobs", "0"])
    assert exc.value.code == 2
    assert "--jobs" in capsys.readouterr().err


def test_a_document_that_breaks_its_batch_fails_alone(monkeypatch, nlp):
    from graphbuild.distributed import extract_batch
    from graphbuild.ids import content_hash
    from graphbuild.ingest import segment
    from graphbuild.records import Diagnostic, Document, Extraction

    real = segment.segment_document

    def segment_document(document):
        if document.id == "bad.txt":
            raise RuntimeError("segmenter bug")
        return real(document)

    monkeypatch.setattr(segment, "segment_document", segment_document)
    texts = {"a.txt": "The Embassy reports that the USSR will not attend.", "bad.txt": "x y z",
             "b.txt": "Officials said that the talks had failed."}
    docs = [Document(name, text, content_hash(text), name) for name, text in texts.items()]
    out = extract_batch(docs, nlp)
    assert [type(r) for r in out] == [Extraction, Diagnostic, Extraction]
    assert out[1].path == "bad.txt" and "segmenter bug" in out[1].message
    assert out[0].document.id == "a.txt" and out[0].claims and out[2].claims
