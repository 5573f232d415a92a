"""`ingest --dask local:2` writes exactly the triples of a local run (one small cluster, real model)."""

from __future__ import annotations

import pytest

from graphbuild.store import EmbeddedStore, sorted_nquads

pytest.importorskip("distributed")


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_triples(tmp_path, data_dir, nlp):
    from graphbuild.cli import main

    inputs = [str(p) for p in sorted((data_dir / "corpus" / "cib").glob("*.txt"))[:4]]
    inputs.append(str(next((data_dir / "seeds").glob("*.txt"))))
    assert main(["-q", "ingest", *inputs, "--store", str(tmp_path / "local")]) == 0
    assert main(["-q", "ingest", *inputs, "--store", str(tmp_path / "dask"), "--dask", "local:2"]) == 0

    def dump(path):
        with EmbeddedStore(path, read_only=True) as store:
            return sorted_nquads(store.quads())

    local = dump(tmp_path / "local")
    assert len(local) > 1000
    assert dump(tmp_path / "dask") == local
