"""One exception hierarchy for graphbuild.

    GraphbuildError
    ├── InputError          an input cannot be read or decoded (names the file and the reason)
    ├── ModelError          no usable spaCy pipeline is installed
    ├── QueryError          a SPARQL query is refused, malformed or timed out
    ├── StoreError          a store cannot be opened (e.g. locked by another writer)
    └── OutputError         an output cannot be written

Messages carry a short code in brackets so scripts can grep for them.
"""

from __future__ import annotations


class GraphbuildError(Exception):
    """Base class of every error graphbuild raises on purpose."""

    code = "E000"

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)

    def __str__(self) -> str:
        base = f"{self.path}: {self.message}" if self.path else self.message
        return f"{base} [{self.code}]"


class InputError(GraphbuildError):
    code = "E100"


class ModelError(GraphbuildError):
    code = "E200"


class QueryError(GraphbuildError):
    code = "E300"


class StoreError(GraphbuildError):
    code = "E400"


class OutputError(GraphbuildError):
    code = "E500"
