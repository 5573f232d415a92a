"""Read a saved web page (HTML) into a Document holding only the text a reader sees.

What a browser would not show is left out: ``script``, ``style``, ``template``, ``noscript``,
``iframe``/``object``/``svg`` fallbacks, comments, the ``<title>`` (kept as metadata), elements with
the ``hidden`` attribute or an inline ``display:none``/``visibility:hidden`` style. Whitespace
collapses as in HTML (kept verbatim inside ``<pre>``); block elements end lines, paragraphs and
headings are separated by a blank line, so the segmenter sees paragraphs as it does in plain text.

The charset is taken, in order, from a byte-order mark, a ``<meta charset>`` or ``<meta
http-equiv="Content-Type">`` (or an XML declaration) in the first 1024 bytes, and otherwise UTF-8
with a windows-1252 fallback (named in a warning), as browsers do. Labels are mapped as the WHATWG
Encoding standard maps them (``iso-8859-1`` and ``ascii`` mean windows-1252).

The extracted text IS the document text: offsets index it, and it is written next to the graph
(:mod:`graphbuild.export.texts`). Standard library only.
"""

from __future__ import annotations

import codecs
import logging
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from graphbuild.ids import content_hash
from graphbuild.ingest.files import read_bounded
from graphbuild.records import Diagnostic, Document

log = logging.getLogger("graphbuild")

DEFAULT_MAX_BYTES = 64 * 1024 * 1024

E_UNDECODABLE = "E103"
E_NO_TEXT = "E126"

# Elements whose content is never rendered as text (or only when scripting is off).
_INVISIBLE = frozenset(
    {
        "script",
        "style",
        "template",
        "noscript",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "canvas",
        "video",
        "audio",
        "map",
        "datalist",
        "title",
    }
)
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "basefont",
        "bgsound",
        "frame",
        "keygen",
    }
)
# Blocks separated by a blank line (paragraph-like) vs. ending a line only.
_PARAGRAPH = frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "table",
        "ul",
        "ol",
        "dl",
        "hr",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "nav",
        "aside",
        "figure",
        "address",
        "form",
        "fieldset",
        "details",
        "center",
    }
)
_LINE = frozenset(
    {
        "div",
        "li",
        "tr",
        "dt",
        "dd",
        "figcaption",
        "caption",
        "summary",
        "legend",
        "option",
        "body",
        "html",
        "tbody",
        "thead",
        "tfoot",
    }
)
_CELL = frozenset({"td", "th"})
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

# WHATWG Encoding: labels browsers treat differently from Python's codec of the same name.
_WHATWG_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "windows-1252": "cp1252",
    "iso-8859-9": "cp1254",
    "latin5": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "x-sjis": "shift_jis",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}
_META_CHARSET = re.compile(rb"""<meta[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# <meta name=...> / <meta property=...> that carry a publication date on news and archive pages.
_DATE_META = frozenset(
    {
        "date",
        "dc.date",
        "dcterms.date",
        "dc.date.issued",
        "dcterms.issued",
        "article:published_time",
        "citation_publication_date",
        "citation_date",
        "pubdate",
        "publication_date",
    }
)


def read_html(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document | Diagnostic:
    """Read one HTML file into a Document of its visible text.

    Returns:
        A Document with ``metadata`` ``{"format": "html", "charset": ..., "title"?, "date"?,
        "language"?}``, or a Diagnostic naming the file and the reason.
    """
    path = str(path)
    data = read_bounded(path, max_bytes=max_bytes)
    if isinstance(data, Diagnostic):
        return data
    try:
        markup, charset, warning = decode_html(data)
    except UnicodeDecodeError as exc:
        return Diagnostic(path, E_UNDECODABLE, f"not decodable as {exc.encoding} (byte {exc.start})")
    if warning:
        log.warning("%s: %s", path, warning)
    text, metadata = extract_visible_text(markup)
    if not text.strip():
        return Diagnostic(path, E_NO_TEXT, "HTML page has no visible text")
    metadata = {"format": "html", "charset": charset, **metadata}
    return Document(
        id=path, text=text, sha256=content_hash(text), path=path, encoding=charset, metadata=metadata
    )


def decode_html(data: bytes) -> tuple[str, str, str | None]:
    """Decode HTML bytes by BOM, then declared charset, then UTF-8 / windows-1252.

    Returns:
        ``(markup, codec name, warning or None)``.

    Raises:
        UnicodeDecodeError: the declared charset does not decode the bytes.
    """
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec), codec, None
    declared = sniff_charset(data[:1024])
    if declared:
        codec = _codec(declared)
        if codec:
            return data.decode(codec), codec, None
        warning = f"unknown charset {declared!r}; "
    else:
        warning = ""
    try:
        return data.decode("utf-8"), "utf-8", (warning + "decoded as UTF-8") if warning else None
    except UnicodeDecodeError as exc:
        return (
            data.decode("cp1252", errors="replace"),
            "cp1252",
            (f"{warning}invalid UTF-8 at byte {exc.start} and no charset declared; decoded as windows-1252"),
        )


def sniff_charset(head: bytes) -> str | None:
    """The charset label declared in the first bytes of a page (``<meta>`` or XML declaration)."""
    m = _XML_DECL.search(head) or _META_CHARSET.search(head)
    return m.group(1).decode("ascii").lower() if m else None


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    name = _WHATWG_ALIASES.get(label, label)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def extract_visible_text(markup: str) -> tuple[str, dict[str, Any]]:
    """The text a browser would show, and page metadata (title, date, language).

    >>> extract_visible_text("<p>Hi <b>there</b><script>x()</script></p><p>Bye</p>")[0]
    'Hi there\\n\\nBye'
    """
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    return parser.text(), parser.metadata


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._out: list[str] = []
        self._pending_break = 0  # newlines owed before the next text (1 = line, 2 = paragraph)
        self._skip: list[str] = []  # open elements whose content is not shown
        self._pre = 0
        self._title: list[str] | None = None
        self.metadata: dict[str, Any] = {}

    # -- structure ---------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            self._meta(dict(attrs))
        elif tag == "html":
            lang = dict(attrs).get("lang")
            if lang:
                self.metadata.setdefault("language", lang.strip()[:35])
        if tag == "title":
            self._title = []
        if self._skip:
            if tag not in _VOID:
                self._skip.append(tag)
            return
        if tag in _INVISIBLE or _hidden(attrs):
            if tag not in _VOID:
                self._skip.append(tag)
            return
        self._block(tag, start=True)
        if tag == "br":
            self._break(1, force=True)
        elif tag == "pre":
            self._pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <div hidden/>: self-closing syntax never opens an element in HTML for void tags.
        if tag in _VOID:
            self.handle_starttag(tag, attrs)
        else:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._title is not None:
            title = " ".join("".join(self._title).split())
            if title:
                self.metadata.setdefault("title", title[:500])
            self._title = None
        if self._skip:
            if tag in self._skip:
                # Pop up to the matching start tag; end tags omitted inside (</p>, </li>) close too.
                while self._skip.pop() != tag:
                    pass
            return
        if tag == "pre" and self._pre:
            self._pre -= 1
        self._block(tag)

    def handle_data(self, data: str) -> None:
        if self._title is not None:
            self._title.append(data)
        if self._skip or not data:
            return
        data = data.replace("\xa0", " ")
        if self._pre:
            self._emit(data)
            return
        data = _HTML_SPACE.sub(" ", data)
        if data == " ":
            if self._out and not self._pending_break and not self._out[-1].endswith((" ", "\n", "\t")):
                self._out.append(" ")
            return
        if self._pending_break or not self._out or self._out[-1].endswith(("\n", " ", "\t")):
            data = data.lstrip(" ")
        self._emit(data)

    # comments, doctypes, processing instructions and CDATA are never visible text
    def handle_comment(self, data: str) -> None:
        pass

    def unknown_decl(self, data: str) -> None:
        pass

    # -- helpers -----------------------------------------------------------------------------
    def _block(self, tag: str, *, start: bool = False) -> None:
        if tag in _PARAGRAPH:
            self._break(2)
        elif tag in _LINE:
            self._break(1)
        elif tag in _CELL and start and self._out and not self._pending_break:
            self._out.append("\t")  # cells of one row stay on one line, a tab apart

    def _break(self, n: int, *, force: bool = False) -> None:
        if not self._out:
            return
        if force:
            self._out.append("\n")  # <br> always breaks, even twice in a row
            return
        self._pending_break = max(self._pending_break, n)

    def _emit(self, data: str) -> None:
        if self._pending_break:
            # trailing spaces before a break are not visible; drop them from the text
            while self._out and self._out[-1].endswith((" ", "\t")):
                self._out[-1] = self._out[-1].rstrip(" \t")
                if not self._out[-1]:
                    self._out.pop()
            have = _trailing_newlines(self._out)
            self._out.append("\n" * max(0, self._pending_break - have))
            self._pending_break = 0
        self._out.append(data)

    def _meta(self, attrs: dict[str, str | None]) -> None:
        name = (attrs.get("name") or attrs.get("property") or attrs.get("itemprop") or "").strip().lower()
        content = (attrs.get("content") or "").strip()
        if name in _DATE_META and "date" not in self.metadata:
            m = _ISO_DATE.match(content)
            if m:
                self.metadata["date"] = m.group(0)

    def text(self) -> str:
        return "".join(self._out).rstrip()


def _hidden(attrs: list[tuple[str, str | None]]) -> bool:
    for name, value in attrs:
        if name == "hidden":
            return True
        if name == "style" and value and _HIDDEN_STYLE.search(value):
            return True
        if name == "type" and value and value.lower() == "hidden":
            return True
    return False


def _trailing_newlines(parts: list[str]) -> int:
    n = 0
    for part in reversed(parts):
        stripped = part.rstrip("\n")
        n += len(part) - len(stripped)
        if stripped:
            break
    return n
