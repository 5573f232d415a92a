"""``graphbuild serve``: a read-only SPARQL 1.1 Protocol endpoint and the HTML view over a store.

The SPARQL engine and HTTP protocol are Oxigraph's own server (``oxigraph serve-read-only`` from the
``oxigraph`` PyPI package), started on a private 127.0.0.1 port with a query timeout and the union of
all document graphs as default graph. In front of it sits the standard library's
``ThreadingHTTPServer`` with a small router, because Oxigraph's server cannot be told to:

- refuse ``SERVICE`` (it would otherwise fetch any URL a query names, from the server's network);
- refuse updates and Graph Store writes with a clear message (it answers "The server is read-only");
- serve graphbuild's interactive HTML page.

Queries that pass the check are forwarded unchanged (``GET ?query=``, form ``POST`` or
``application/sparql-query`` ``POST``) and the answer is relayed with its status and content type.
The store is held with graphbuild's shared lock for the server's lifetime, so no ``ingest`` can write
beside the read-only Oxigraph instance (undefined behaviour in RocksDB).
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Self

from graphbuild.errors import QueryError, StoreError
from graphbuild.store.lock import store_lock

log = logging.getLogger("graphbuild")

MAX_QUERY_BYTES = 1 << 20
_QUERY_PATHS = ("/query", "/sparql")


def oxigraph_binary() -> str:
    """Path of the ``oxigraph`` server binary (``pip install oxigraph``)."""
    here = Path(sys.executable).parent / "oxigraph"
    found = str(here) if here.exists() else shutil.which("oxigraph")
    if not found:
        raise StoreError("the `oxigraph` server is not installed; pip install 'graphbuild[server]'")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _walk(node: object) -> Iterator[object]:
    from pyparsing import ParseResults

    yield node
    if isinstance(node, dict):  # rdflib's CompValue is a dict with a .name
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list | tuple | ParseResults):
        for value in node:
            yield from _walk(value)


def check_query(query: str) -> None:
    """Refuse what a shared read-only endpoint must not run: unparsable text, updates and SERVICE.

    Raises:
        QueryError: with the reason.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(query)
    except ParseException as exc:
        raise QueryError(f"not a SPARQL query (updates are refused): {exc.msg} at column {exc.col}") from None
    except Exception as exc:  # noqa: BLE001 - rdflib raises assorted errors on odd input
        raise QueryError(f"not a SPARQL query: {type(exc).__name__}") from None
    for node in _walk(tree):
        if getattr(node, "name", None) == "ServiceGraphPattern":
            raise QueryError("SERVICE is refused: this endpoint does not query other endpoints")


class _Handler(BaseHTTPRequestHandler):
    server: _FrontServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        log.info("serve: %s %s", self.address_string(), format % args)

    def _send(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path in ("/", "/index.html"):
            if self.server.html is None:
                self._send(404, b"no HTML view for this store\n")
            else:
                self._send(200, self.server.html, "text/html; charset=utf-8")
            return
        if url.path in _QUERY_PATHS:
            params = urllib.parse.parse_qs(url.query)
            self._query(params.get("query", [""])[0], url.query)
            return
        self._send(404, b"not found: try / (HTML) or /query (SPARQL)\n")

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_QUERY_BYTES:
            self._send(413, b"query too large\n")
            return
        body = self.rfile.read(length)
        if url.path not in _QUERY_PATHS:
            self._send(403, b"this endpoint is read-only: updates and graph store writes are refused\n")
            return
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type == "application/sparql-query":
            self._query(body.decode("utf-8", "replace"), url.query)
        elif content_type == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
            if "update" in form:
                self._send(403, b"this endpoint is read-only: updates are refused\n")
                return
            extra = urllib.parse.urlencode([(k, v) for k, vs in form.items() if k != "query" for v in vs])
            self._query(form.get("query", [""])[0], "&".join(p for p in (url.query, extra) if p))
        elif content_type == "application/sparql-update":
            self._send(403, b"this endpoint is read-only: updates are refused\n")
        else:
            self._send(415, b"send application/sparql-query or a form with query=\n")

    def _refuse_write(self) -> None:
        self._send(403, b"this endpoint is read-only: updates and graph store writes are refused\n")

    do_PUT = do_DELETE = do_PATCH = _refuse_write

    def _query(self, query: str, query_string: str) -> None:
        if not query:
            self._send(400, b"missing query\n")
            return
        try:
            check_query(query)
        except QueryError as exc:
            self._send(400, f"{exc}\n".encode())
            return
        # Forward: the query as a form body, plus any default-graph-uri / named-graph-uri parameters
        # (Oxigraph resolves those against the store's own graphs; it never fetches them).
        params = [(k, v) for k, v in urllib.parse.parse_qsl(query_string) if k != "query"]
        body = urllib.parse.urlencode([("query", query), *params]).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "Accept": self.headers.get("Accept") or "application/sparql-results+json"}
        conn = http.client.HTTPConnection("127.0.0.1", self.server.backend_port, timeout=self.server.timeout + 10)
        try:
            conn.request("POST", "/query", body=body, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
            self._send(answer.status, data, answer.getheader("Content-Type") or "application/octet-stream")
        except (OSError, http.client.HTTPException) as exc:
            self._send(502, f"SPARQL engine unavailable: {exc}\n".encode())
        finally:
            conn.close()


class _FrontServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client hanging up mid-answer is routine; log it instead of printing a traceback.
        log.debug("serve: error while answering %s", client_address, exc_info=True)  # noqa: LOG014 (called from an except block)

    def __init__(self, address: tuple[str, int], *, backend_port: int, timeout: float, html: bytes | None) -> None:
        super().__init__(address, _Handler)
        self.backend_port = backend_port
        self.timeout = timeout
        self.html = html


class Server:
    """A running ``graphbuild serve``: Oxigraph read-only behind the checking front.

    Use as a context manager (``start`` / ``stop``); ``url`` is the front's base URL.
    """

    def __init__(self, store: str | Path, *, host: str = "127.0.0.1", port: int = 7878, timeout: float = 30.0,
                 html: bytes | None = None, wait: float = 0.0) -> None:
        self.store = Path(store)
        self.host, self.port, self.timeout, self.html, self.wait = host, port, timeout, html, wait
        self._stack = contextlib.ExitStack()
        self._process: subprocess.Popen | None = None
        self._front: _FrontServer | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        if not (self.store / "CURRENT").exists():
            raise StoreError("not an Oxigraph store (run `graphbuild ingest ... --store DIR` first)",
                             path=str(self.store))
        try:
            self._stack.enter_context(store_lock(self.store, exclusive=False, wait=self.wait))
            backend_port = free_port()
            command = [oxigraph_binary(), "serve-read-only", "--location", str(self.store),
                       "--bind", f"127.0.0.1:{backend_port}", "--timeout-s", str(max(1, int(self.timeout))),
                       "--union-default-graph"]
            # Its log goes to a file, not a pipe: an unread pipe would fill up and stall the server.
            self._log = self._stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 (closed by the stack)
            self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=self._log,
                                             stderr=self._log)
            _wait_listening(backend_port, self._process, self._log)
            self._front = _FrontServer((self.host, self.port), backend_port=backend_port, timeout=self.timeout,
                                       html=self.html)
            self.port = self._front.server_address[1]
            threading.Thread(target=self._front.serve_forever, name="graphbuild-serve", daemon=True).start()
        except BaseException:
            self.stop()
            raise
        log.info("serving %s at %s (SPARQL: %s/query)", self.store, self.url, self.url)

    def stop(self) -> None:
        if self._front is not None:
            self._front.shutdown()
            self._front.server_close()
            self._front = None
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        self._stack.close()


def _wait_listening(port: int, process: subprocess.Popen, output: IO[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output.seek(0)
            err = output.read().decode("utf-8", "replace").strip()
            raise StoreError(f"the oxigraph server exited: {err[-500:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise StoreError("the oxigraph server did not start in time")
