"""Reading an input file's bytes within a size limit: the one place every reader does it."""

from __future__ import annotations

from graphbuild.records import Diagnostic


def read_bounded(path: str, *, max_bytes: int) -> bytes | Diagnostic:
    """The file's bytes, or a Diagnostic naming the file when it is unreadable or over ``max_bytes``.

    Reads at most ``max_bytes + 1`` bytes, so a huge file (or /dev/zero) never fills memory.
    """
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        return Diagnostic(path, "E101", f"cannot read: {exc.strerror or exc}")
    if len(data) > max_bytes:
        return Diagnostic(path, "E103", f"larger than {max_bytes} bytes; raise the limit with --max-bytes")
    return data
