"""Page furniture: the printed matter around the text of a bulletin that is not part of any item.

Repeated classification banners, "Approved for Release" stamps, page numbers, date footers, lone
letters and codes in the margin ("R", "DD/TSS"), the reading-room catalogue header ("Document Type:"
... "Body:"), and OCR debris next to them. Furniture is cut out of the text handed to NLP; items run on
across it.

Two shapes are handled: line-broken text, where furniture fills whole lines, and OCR text whose line
breaks were collapsed, where furniture sits inline between sentences. In the second case a zone is
grown around an anchor (a stamp, a banner, a "* * * *" rule) over neighbouring debris tokens and stops
at the first ordinary word, section heading or item number.
"""

from __future__ import annotations

import re

from graphbuild.ingest.markers import find_redactions

# --- reading-room catalogue header ------------------------------------------------------------------
_CATALOGUE_LABEL = re.compile(
    r"^[ \t]*(?:Document Type|Collection|Document Number \(FOIA\) ?/ ?ESDN \(CREST\)|Release Decision"
    r"|Original Classification|Document Page Count|Document Creation Date|Document Release Date"
    r"|Sequence Number|Case Number|Publication Date|Content Type|File|Body|Attachment ?\|? ?Size ?\|?)"
    r"[ \t]*:?[ \t]*(?P<value>.*)$"
)
_CATALOGUE_TABLE = re.compile(r"^[ \t]*(?:-{3}\|.*|.*\|[ \t]*[\d.]+ [KMG]B[ \t]*\|?|PDF icon .*|.*\.pdf[\d.]+ ?[KMG]B)[ \t]*$")


def catalogue_header(text: str) -> tuple[int, int] | None:
    """The CREST reading-room catalogue block at the top of a document, if there is one.

    It runs from the first line (often the title, e.g. "CURRENT INTELLIGENCE BULLETIN - 1951/10/27")
    through "Body:", or through the last label / value / attachment line when "Body:" is missing.
    The block must hold at least three catalogue labels to count.
    """
    lines = _lines(text[:4000])
    labels = 0
    end = None
    expecting_value = False
    for i, (start, stop, line) in enumerate(lines):
        m = _CATALOGUE_LABEL.match(line)
        if m:
            labels += 1
            end = stop
            expecting_value = not m.group("value").strip()
            if line.strip().startswith("Body"):
                break
            continue
        if _CATALOGUE_TABLE.match(line):
            end = stop
            continue
        if not line.strip():
            continue
        if i == 0 or (labels == 0 and i < 3):
            continue  # a title line before the labels
        if expecting_value and len(line.strip()) <= 60:
            end = stop
            expecting_value = False
            continue
        break
    if labels < 3 or end is None:
        return None
    return 0, end


def _lines(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n\f")
        out.append((pos, pos + len(body), body))
        pos += len(line)
    return out


# --- line furniture ---------------------------------------------------------------------------------
_BANNER_WORD = re.compile(
    r"(?i)^[~*_=\-.,:;'\"()]*(?:TOP|SECRET|SECURITY|INFORMATION|CONFIDENTIAL|RESTRICTED|US|OFFICIALS|ONLY"
    r"|EYES|NOFORN|SEC|S?E?C?U?RITY|ORMATION|RET|ET|S|OP|TOPS)[~*_=\-.,:;'\"()]*$"
)
_PAGE_NUMBER = re.compile(r"^[ \t]*(?:[-–][ \t]*)?\d{1,3}(?:[ \t]*[-–])?[ \t]*$|^[ \t]*[-–][ \t]*\d{1,3}[ \t]*$")
_PAGE_FOOTER = re.compile(r"(?i)^[ \t]*(?:[A-Z][A-Z ]{5,40}[ \t]+)?Page[ \t]+\d{1,3}[ \t]*$")
_RULE = re.compile(r"^[ \t]*(?:\*[ \t]*){3,}$")
_FOOTER_DATE = re.compile(r"^[ \t]*\d{1,2}[ \t]+[A-Z][a-z]{2,4}\.?[ \t]+\d{2}[ \t]*$")
_STOP_CHARS = re.compile(r"[.!?][\"')\]]*$")


def _is_banner(line: str) -> bool:
    tokens = line.split()
    return bool(tokens) and all(_BANNER_WORD.match(t) for t in tokens) and any(
        re.search(r"(?i)SECRET|SECURITY|CONFIDENTIAL|RESTRICTED|INFORMATION|RET\b|TOP", t) for t in tokens
    )


def _wordlike(token: str) -> bool:
    return bool(re.fullmatch(r"[\"'(\[]*[A-Za-z]?[a-z]{2,}(?:[-'][A-Za-z]+)*[\"').,;:!?\]]*", token))


def _is_debris(line: str) -> bool:
    """A short line with no ordinary words: OCR noise from stamps and banners, margin codes."""
    s = line.strip()
    if not s or len(s) > 40:
        return False
    tokens = s.split()
    words = sum(_wordlike(t) for t in tokens)
    return words == 0 or (words / len(tokens) < 0.5 and not _STOP_CHARS.search(s))


def _strong_line(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    return bool(
        _is_banner(s) or _PAGE_NUMBER.match(s) or _PAGE_FOOTER.match(s) or _RULE.match(s)
        or _FOOTER_DATE.match(s) or "\f" in line
        or (len(s) <= 8 and not re.search(r"[a-z]{3}", s) and not _STOP_CHARS.search(s) and not s.isdigit())
    )


def _only_redactions(line: str) -> bool:
    rest = line
    for start, end, _ in reversed(find_redactions(line)):
        rest = rest[:start] + rest[end:]
    return bool(line.strip()) and not rest.strip(" \t,.;:")


def find_furniture(
    text: str, *, anchors: list[tuple[int, int]], protected: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Spans of page furniture, merged and sorted.

    Args:
        text: the original text.
        anchors: spans already known to be furniture (release stamps, the catalogue header).
        protected: spans that are never furniture (section headings, item numbers and headlines).
    """
    spans: list[tuple[int, int]] = list(anchors)

    def is_protected(start: int, end: int) -> bool:
        return any(ps < end and start < pe for ps, pe in protected)

    lines = _lines(text)
    # line furniture: strong lines, plus weak ones (debris, redaction-only) next to strong furniture
    kinds: list[str] = []
    for start, stop, line in lines:
        if not line.strip():
            kinds.append("blank")
        elif is_protected(start, stop):
            kinds.append("text")
        elif (any(s <= start and stop <= e for s, e in anchors) or _anchor_line(text, start, stop, anchors)
              or _strong_line(line)):
            kinds.append("strong")
        elif _is_debris(line) or _only_redactions(line):
            kinds.append("weak")
        else:
            kinds.append("text")
    changed = True
    while changed:
        changed = False
        for i, kind in enumerate(kinds):
            if kind != "weak":
                continue
            for step in (-1, 1):
                j = i + step
                while 0 <= j < len(kinds) and kinds[j] == "blank":
                    j += step
                if 0 <= j < len(kinds) and kinds[j] == "strong":
                    kinds[i] = "strong"
                    changed = True
                    break
    for (start, stop, _), kind in zip(lines, kinds, strict=True):
        if kind == "strong":
            spans.append((start, stop))
    # inline furniture in collapsed text: grow zones around anchors over debris tokens
    for a_start, a_end in list(anchors) + _inline_anchors(text):
        if is_protected(a_start, a_end):
            continue
        start, end = _grow(text, a_start, a_end, is_protected)
        spans.append((start, end))
    return _merge(spans)


def _anchor_line(text: str, start: int, stop: int, anchors: list[tuple[int, int]]) -> bool:
    """A line made of an anchor plus debris counts as furniture as a whole."""
    for s, e in anchors:
        if start <= s < stop or start < e <= stop:
            rest = (text[start:max(start, s)] + " " + text[min(stop, e):stop]).strip()
            return not rest or _is_debris(rest)
    return False


_INLINE_ANCHOR = re.compile(
    r"(?<![A-Za-z])(?:~~)?(?:TOP[ \t\-]*SECRET|SECRET|CONFIDENTIAL|RESTRICTED|SECURITY INFORMATION)(?:~~)?(?![a-z])"
    r"|(?:\*[ \t]){3,}\*"
)


def _inline_anchors(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _INLINE_ANCHOR.finditer(text)]


_TOKEN = re.compile(r"\S+")


def _debris_token(tok: str) -> bool:
    if _wordlike(tok):
        return False
    if find_redactions(tok):
        return True
    if re.fullmatch(r"[-–*]?\d{1,3}[-–.,]?|[*\-–]+", tok):
        return True
    if _BANNER_WORD.match(tok):
        return True
    letters = re.sub(r"[^A-Za-z]", "", tok)
    # mixed debris: noise characters, or capitals mixed with noise ("ThPSECRET", "T$", "TIO)")
    return bool(re.search(r"[^\w\s\"'.,;:()\-]", tok)) or (len(letters) <= 3 and not tok.isalpha()) or (
        bool(letters) and re.search(r"[a-z][A-Z]", tok) is not None
    )


def _grow(text: str, start: int, end: int, is_protected) -> tuple[int, int]:
    # right
    pos = end
    while True:
        m = _TOKEN.search(text, pos)
        if not m or "\n\n" in text[pos:m.start()] or not _debris_token(m.group()) or is_protected(*m.span()):
            break
        end = pos = m.end()
    # left
    while True:
        seg = text[:start]
        m = re.search(r"(\S+)(\s*)$", seg)
        if not m or "\n\n" in m.group(2) or not _debris_token(m.group(1)) or is_protected(m.start(1), m.end(1)):
            break
        start = m.start(1)
        if _STOP_CHARS.search(m.group(1)):
            break
    return start, end


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(sp for sp in spans if sp[1] > sp[0]):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out
