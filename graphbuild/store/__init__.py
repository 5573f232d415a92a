"""Persistent stores: an embedded on-disk Oxigraph store (default) or any SPARQL 1.1 server.

One named graph per document, written all-or-nothing; incremental ingest with linking against the
stored claims that share actors. Public API:

- :class:`EmbeddedStore` — a store folder (``--store DIR``), one writer or many readers;
- :class:`RemoteStore` — a SPARQL 1.1 Protocol + Graph Store Protocol server (``--sparql-endpoint``);
- :class:`Ingestor` — add / replace / remove documents on either;
- :func:`sorted_nquads` — canonical dump for comparing stores.
"""

from __future__ import annotations

from graphbuild.store.backend import EmbeddedStore, StoredDocument, sorted_nquads
from graphbuild.store.ingest import Ingestor, Outcome
from graphbuild.store.remote import RemoteStore

__all__ = ["EmbeddedStore", "Ingestor", "Outcome", "RemoteStore", "StoredDocument", "sorted_nquads"]
