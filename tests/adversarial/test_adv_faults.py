"""Catalog 6 and 7 — faults and idempotency: a killed build leaves whole files (old or new), a killed
ingest leaves a consistent store that a re-run completes, concurrent ingests serialise or fail
clearly, a full disk gives a clear error with the previous outputs intact, and ingesting the same
folder twice changes nothing."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from _adv import cli, spawn, store_nquads, write_reports

OUTPUTS = ("claims.jsonl", "actors.jsonl", "relations.jsonl", "graph.ttl", "graph.nt", "graph.jsonld",
           "graph.trig", "graph.graphml")


def _snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS if (out / name).exists()}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """Complete outputs of an old and a new input set (builds are deterministic)."""
    root = tmp_path_factory.mktemp("builds")
    old_in, new_in = root / "old", root / "new"
    write_reports(old_in, 2)
    write_reports(new_in, 6, start=10)
    versions = {}
    for name, folder in (("old", old_in), ("new", new_in)):
        run = cli("build", folder, "-o", root / f"ref-{name}", "--no-html", "-q")
        assert run.status == 0, run.err
        versions[name] = _snapshot(root / f"ref-{name}")
    return root, old_in, new_in, versions


@pytest.mark.slow
def test_sigkill_during_build_leaves_old_or_new_files_never_truncated(two_builds, tmp_path):
    _, old_in, new_in, versions = two_builds
    out = tmp_path / "out"
    assert cli("build", old_in, "-o", out, "--no-html", "-q").status == 0
    proc = spawn("build", new_in, "-o", out, "--no-html", "-q")
    # Kill as soon as the writer has started replacing files (a temp file appears or one changes).
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        names = os.listdir(out)
        if any(n.endswith(".tmp") for n in names) or _snapshot(out).get("claims.jsonl") != versions["old"][
                "claims.jsonl"]:
            break
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    state = _snapshot(out)
    assert set(state) == set(OUTPUTS)
    for name, data in state.items():
        assert data in (versions["old"][name], versions["new"][name]), f"{name} is neither old nor new"
    # A re-run completes and leaves exactly the new outputs.
    assert cli("build", new_in, "-o", out, "--no-html", "-q").status == 0
    assert _snapshot(out) == versions["new"]


@pytest.fixture(scope="module")
def reference_store(tmp_path_factory, two_builds):
    _, _, new_in, _ = two_builds
    store = tmp_path_factory.mktemp("ref") / "store"
    run = cli("ingest", new_in, "--store", store, "-q")
    assert run.status == 0, run.err
    return store_nquads(store)


@pytest.mark.slow
def test_sigkill_during_ingest_leaves_store_consistent_and_rerun_completes(two_builds, reference_store,
                                                                          tmp_path):
    _, _, new_in, _ = two_builds
    store = tmp_path / "store"
    proc = spawn("ingest", new_in, "--store", store)
    # Kill once the first documents are in (the progress summary is not printed yet).
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if (store / "CURRENT").exists() and any(p.suffix == ".log" and p.stat().st_size > 4096
                                                for p in store.iterdir()):
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    partial = set(store_nquads(store)) if (store / "CURRENT").exists() else set()
    # Consistent: whatever is in the store is part of the complete result (no half document).
    reference = set(reference_store)
    assert partial <= reference
    graphs = {line.rsplit(" ", 2)[-2] for line in partial}
    for graph in graphs:  # each stored document graph is complete
        assert {q for q in reference if q.endswith(f" {graph} .")} <= partial
    run = cli("ingest", new_in, "--store", store, "-q")
    assert run.status == 0, run.err
    assert store_nquads(store) == reference_store


@pytest.mark.slow
def test_concurrent_ingests_serialise_or_fail_clearly(two_builds, reference_store, tmp_path):
    _, _, new_in, _ = two_builds
    store = tmp_path / "store"
    procs = [spawn("ingest", new_in, "--store", store, "-q") for _ in range(2)]
    results = [p.communicate(timeout=600) for p in procs]
    codes = [p.returncode for p in procs]
    assert 0 in codes
    for code, (_, err) in zip(codes, results):
        assert "Traceback" not in err
        if code != 0:
            assert "store is locked" in err and len(err.strip().splitlines()) <= 2, err
    assert store_nquads(store) == reference_store
    # With --wait the second writer waits for the first instead of failing.
    procs = [spawn("ingest", new_in, "--store", store, "-q", "--wait", "300") for _ in range(2)]
    errs = [p.communicate(timeout=600)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errs
    assert store_nquads(store) == reference_store


def _disk_full(monkeypatch, after: int) -> None:
    """Every file write after the first ``after`` ones fails like a full disk."""
    import graphbuild.atomic

    calls = {"n": 0}
    real_fsync = os.fsync

    def fsync(fd):
        calls["n"] += 1
        if calls["n"] > after:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(fd)

    monkeypatch.setattr(graphbuild.atomic.os, "fsync", fsync)


@pytest.mark.parametrize("after", [0, 3])
def test_disk_full_simulated_gives_clear_error_and_keeps_previous_outputs(two_builds, tmp_path, monkeypatch,
                                                                         after):
    _, old_in, new_in, versions = two_builds
    out = tmp_path / "out"
    assert cli("build", old_in, "-o", out, "--no-html", "-q").status == 0
    _disk_full(monkeypatch, after)
    run = cli("build", new_in, "-o", out, "--no-html", "-q")
    assert run.status == 1
    assert "No space left on device" in run.err and len(run.lines) == 1, run.err
    state = _snapshot(out)
    assert set(state) == set(OUTPUTS)
    for name, data in state.items():
        assert data in (versions["old"][name], versions["new"][name])
    assert not [n for n in os.listdir(out) if n.endswith(".tmp")]


def test_disk_full_on_a_tiny_tmpfs(two_builds, tmp_path):
    _, old_in, _, versions = two_builds
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    size = sum(len(v) for v in versions["old"].values()) + 64 * 1024
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)],
                             capture_output=True, check=False).returncode == 0
    if not mounted:
        pytest.skip("cannot mount a tmpfs here (needs root); the simulated disk-full test covers this")
    try:
        out = mnt / "out"
        assert cli("build", old_in, "-o", out, "--no-html", "-q").status == 0
        big = tmp_path / "big"
        write_reports(big, 60, start=100)
        run = cli("build", big, "-o", out, "--no-html", "-q")
        assert run.status == 1 and "No space left on device" in run.err, run.err
        state = _snapshot(out)
        assert set(state) == set(OUTPUTS)
        for name, data in state.items():
            assert data == versions["old"][name] or not data.endswith(b"\x00")
            if data != versions["old"][name]:  # a file that was replaced is whole: it parses
                _parses(name, data)
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def _parses(name: str, data: bytes) -> None:
    import json

    from rdflib import Dataset

    if name.endswith(".jsonl"):
        [json.loads(line) for line in data.decode().splitlines()]
    elif name.endswith((".ttl", ".nt", ".jsonld", ".trig")):
        fmt = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".trig": "trig"}[Path(name).suffix]
        Dataset().parse(data=data.decode(), format=fmt)


def test_ingest_same_folder_twice_is_idempotent(two_builds, reference_store, tmp_path):
    _, _, new_in, _ = two_builds
    store = tmp_path / "store"
    assert cli("ingest", new_in, "--store", store, "-q").status == 0
    first = store_nquads(store)
    run = cli("ingest", new_in, "--store", store)
    assert run.status == 0, run.err
    assert store_nquads(store) == first == reference_store
