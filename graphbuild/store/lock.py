"""Who may open an embedded store, and when.

RocksDB (under Oxigraph) allows one read-write process per store and locks it with its own ``LOCK``
file; a second writer gets a raw "IO error: ... LOCK" message. Read-only opening beside a writer is
documented as undefined behaviour. So graphbuild adds an advisory lock of its own, ``graphbuild.lock``
inside the store folder (RocksDB ignores files it does not know):

- writers (``ingest``, ``remove``) take it exclusively, and write their pid and command into it so
  the next one can say who holds the store;
- readers (``query --store``, ``serve``, ``html --store``) take it shared.

A writer therefore never runs beside a reader, and a reader never sees a document half written.
``flock`` locks die with their process, so a SIGKILLed run leaves no stale lock behind.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from graphbuild.errors import StoreError

LOCK_NAME = "graphbuild.lock"


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    return f" ({text})" if text else ""


@contextlib.contextmanager
def store_lock(folder: str | Path, *, exclusive: bool, wait: float = 0.0) -> Iterator[None]:
    """Hold graphbuild's lock on a store folder for the duration of the block.

    Args:
        folder: the store folder (created if missing, for writers).
        exclusive: True for writers, False for readers.
        wait: seconds to wait for the lock before giving up (0: fail at once).

    Raises:
        StoreError: the store is locked by another process (the message names it), or the folder
            cannot be used.
    """
    folder = Path(folder)
    path = folder / LOCK_NAME
    try:
        if exclusive:
            folder.mkdir(parents=True, exist_ok=True)
        elif not folder.is_dir():
            raise StoreError("no such store (run `graphbuild ingest ... --store DIR` first)", path=str(folder))
        fd = os.open(path, os.O_RDWR | os.O_CREAT if exclusive or os.access(folder, os.W_OK) else os.O_RDONLY,
                     0o644)
    except OSError as exc:
        raise StoreError(f"cannot open store: {exc.strerror or exc}", path=str(folder)) from exc
    try:
        deadline = time.monotonic() + max(0.0, wait)
        while True:
            try:
                fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise StoreError(f"cannot lock store: {exc.strerror or exc}", path=str(folder)) from exc
                if time.monotonic() >= deadline:
                    if exclusive:
                        raise StoreError(
                            f"store is locked by another process{_holder(path)}; wait for it to finish "
                            "(or stop `graphbuild serve`), or pass --wait SECONDS",
                            path=str(folder),
                        ) from None
                    raise StoreError(
                        f"store is being written by another process{_holder(path)}; retry when it finishes "
                        "or pass --wait SECONDS",
                        path=str(folder),
                    ) from None
                time.sleep(0.1)
        if exclusive:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()}: {' '.join(Path(a).name for a in sys.argv[:2])}".encode(), 0)
        yield
    finally:
        if exclusive:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
        os.close(fd)  # closing the descriptor releases the flock
