"""Cut a Document into metadata, sections, items, comments, redactions and page furniture.

Every part keeps half-open offsets into the ORIGINAL text; the text handed to NLP (``Item.body``,
``Comment.body``) is a :class:`~graphbuild.records.Passage` with furniture cut out and OCR line-break
hyphenation joined, mapping back through ``Passage.pieces``.

Document shape decides how numbered paragraphs are read:

* **Bulletin** (current-intelligence bulletins, digests, summaries). A document is a bulletin when it
  shows bulletin markers: a contents list whose lines end "(page N)", a section heading from
  ``data/sections.txt`` standing before an item number or on its own line, an "Approved for Release"
  stamp, an intelligence-bulletin title, or an item of the form "N. Headline:" together with a
  ``Comment:`` paragraph or a classification banner. Items are "N. [COUNTRY.] Headline: body"; the
  contents list is not items; an item number lost to OCR is recovered when the contents list names the
  item and its headline is found in the body; ``Comment:`` paragraphs attach to their item.
* **Plain** (telegrams, dispatches, news). Numbered paragraphs that start lines and count up from 1
  ("1. Party members.") are items whose headline is the text up to the first colon or sentence end;
  the text before paragraph 1 and the footnotes become unnumbered items with ``part`` "preamble" and
  "footnotes", so their claims are not lost. Without numbered paragraphs the whole text is one item
  (number None) headed by its title, or for a telegram by its first substantive sentence.
"""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass

from graphbuild.ingest.furniture import catalogue_header, find_furniture
from graphbuild.ingest.markers import (
    COMMENT_MARKER,
    COMMENT_ON,
    COUNTRY_TAG,
    ITEM_NUMBER,
    ONE_LOOKALIKE,
    PAGE_REF,
    canonical_section,
    find_redactions,
    section_regex,
)
from graphbuild.ingest.metadata import read_metadata
from graphbuild.ingest.passages import build_passage, noise_runs
from graphbuild.records import (
    Comment,
    Diagnostic,
    Document,
    Item,
    Passage,
    Redaction,
    Section,
    Segmentation,
    Severity,
    Span,
)

log = logging.getLogger("graphbuild")

_HEADLINE_MAX = 320  # characters: bulletin headlines are one to three printed lines
_SENTENCE_END = re.compile(r"[.!?](?:\[fn\d+\])?[\"'”’)]*(?=\s+[\"'“(\[]?[A-Z0-9]|\s*$)")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Dr|Gen|Col|Lt|Maj|Capt|Adm|Sen|Rep|St|No|Nos|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct"
    r"|Nov|Dec|Vol|p|pp|ff|cf|vs|etc|[A-Z])|\b(?:[A-Z]\.){1,3}[A-Z])$"
)
_SUMMARY_WORD = re.compile(r"(?<![A-Za-z])S\s?U\s?M\s?M\s?A\s?R\s?Y(?![A-Za-z])")
_BULLETIN_TITLE = re.compile(
    r"(?i)current intelligence (?:bulletin|digest|review)|daily (?:digest|summary)|office of current intelligence"
    r"|intelligence (?:bulletin|summary)"
)
_FOOTNOTES = re.compile(r"(?m)^[ \t]*Footnotes?:?[ \t]*$")
_TELEGRAM_HINT = re.compile(
    r"(?im)\btelegram\b|\bairgram\b|\bdespatch\b|\bto the (?:secretary|department|director)\b"
    r"|^[ \t]*(?:top secret|secret|confidential|restricted|unclassified)\b"
)


@dataclass(slots=True)
class _Marker:
    """An item number found in the text (or recovered from the contents list)."""

    number: int
    start: int  # where the item starts (the number, or the headline when the number is lost)
    head: int  # where the text after the number starts
    line_start: bool
    summary_headline: str | None = None


@dataclass(frozen=True, slots=True)
class _Entry:
    """One line of the contents list: ``number. headline (page N).``"""

    number: int | None
    headline: str
    start: int
    end: int


def segment_document(document: Document) -> Segmentation:
    """Cut a document into the parts analysts reason about; see the module docstring for the rules.

    Never raises on odd input: anything the segmenter cannot make sense of is reported in
    ``Segmentation.diagnostics`` and the text falls into a single item.
    """
    text = document.text
    meta, stamps = read_metadata(text)
    redactions = tuple(
        Redaction(Span.of(text, s, e), code) for s, e, code in find_redactions(text)
    )
    header = catalogue_header(text)
    anchors = [s.span for s in stamps] + ([header] if header else [])
    summary = _find_summary(text, start=header[1] if header else 0)
    headings = _section_candidates(text)
    bulletin = _is_bulletin(text, summary=summary, stamps=bool(stamps), headings=headings)

    diagnostics: list[Diagnostic] = []
    if bulletin:
        zone_end = summary[1] if summary else (header[1] if header else 0)
        entries = _summary_entries(text, summary, headings) if summary else []
        markers = _bulletin_markers(text, zone_end, entries, headings)
        sections = _accepted_sections(text, headings, markers, summary)
        protected = [(s.heading.start, s.heading.end) for s in sections] + [
            (m.start, m.head) for m in markers
        ]
        furniture = find_furniture(text, anchors=anchors, protected=protected)
        items = _bulletin_items(text, markers, sections, furniture)
        if not items:
            # Bulletin-like markers but no item could be read: never drop the text, read it as plain.
            items = _plain_items(text, furniture)
            diagnostics.append(Diagnostic(document.path, "W203", "looks like a bulletin but no numbered "
                                          "item could be read; segmented as a plain document", Severity.WARNING))
    else:
        sections = []
        furniture = find_furniture(text, anchors=anchors, protected=[])
        items = _plain_items(text, furniture)
    if not items and not bulletin:
        diagnostics.append(Diagnostic(document.path, "W201", "no text left after removing furniture",
                                      Severity.WARNING))
    diagnostics.extend(_noise_diagnostics(document, items))
    return Segmentation(
        document=document,
        meta=meta,
        sections=tuple(sections),
        items=tuple(items),
        redactions=redactions,
        furniture=tuple(Span.of(text, s, e) for s, e in furniture),
        diagnostics=tuple(diagnostics),
    )


def _noise_diagnostics(document: Document, items: list[Item]) -> list[Diagnostic]:
    """One warning per item whose text had pathological runs cut short before NLP (see passages)."""
    where = f"{document.path}:{document.line}" if document.line else document.path
    out = []
    for item in items:
        runs = noise_runs(document.text, item.span.start, item.span.end)
        if runs:
            dropped = sum(e - s for s, e in runs)
            out.append(Diagnostic(
                where, "W202",
                f"{dropped} characters of symbol runs or over-long tokens at {runs[0][0]}-{runs[-1][1]} "
                f"not passed to NLP (they would stall the tokenizer and parser)",
                Severity.WARNING, item=item.number))
    return out


# --- document shape ---------------------------------------------------------------------------------


def _is_bulletin(text: str, *, summary, stamps: bool, headings) -> bool:
    if summary or stamps or _BULLETIN_TITLE.search(text[:3000]):
        return True
    if any(h[3] for h in headings):  # a "SECTION n (X)" heading
        return True
    for start, end, _, _ in headings:
        after = text[end:end + 12]
        if re.match(r"[ \t]*\n", after) and _line_is(text, start, end):
            return True
    colon_items = sum(
        1 for m in ITEM_NUMBER.finditer(text)
        if _at_line_start(text, m.start()) and ":" in text[m.end(): m.end() + 160].split("\n\n")[0]
    )
    has_comment = any(_at_line_start(text, m.start()) for m in COMMENT_MARKER.finditer(text))
    return colon_items >= 1 and has_comment


def _at_line_start(text: str, pos: int) -> bool:
    line_start = text.rfind("\n", 0, pos) + 1
    return not text[line_start:pos].strip(" \t#>*-")


def _line_is(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return not text[line_start:start].strip(" \t#") and not text[end:line_end].strip()


# --- contents list ----------------------------------------------------------------------------------


def _find_summary(text: str, *, start: int) -> tuple[int, int] | None:
    """The contents list: the first run of "(page N)" references, each within 400 characters of the
    previous one, at least two long (or one after a "SUMMARY" heading)."""
    refs = [m for m in PAGE_REF.finditer(text, start) if _looks_like_entry_end(text, m)]
    if not refs:
        return None
    cluster = [refs[0]]
    for m in refs[1:]:
        if m.start() - cluster[-1].end() <= 400:
            cluster.append(m)
        else:
            break
    word = None
    for w in _SUMMARY_WORD.finditer(text, start, cluster[0].start()):
        word = w
    if len(cluster) < 2 and (word is None or cluster[0].start() - word.end() > 400):
        return None
    if word is not None and cluster[0].start() - word.end() <= 600:
        zone_start = word.start()
    else:
        zone_start = max(start, cluster[0].start() - 300)
    end = cluster[-1].end()
    tail = re.match(r"[ \t]*[.,]?(?:\s*(?:\*[ \t]*){3,}\*?)?", text[end:])
    return zone_start, end + (tail.end() if tail else 0)


def _looks_like_entry_end(text: str, m: re.Match[str]) -> bool:
    # "(page 3)" ends a contents line: followed by ".", ",", a line end, or the next entry
    after = text[m.end(): m.end() + 3]
    return not after or after[0] in ".,\n \t" and not re.match(r"\s*[a-z]", after)


def _summary_entries(text: str, summary: tuple[int, int], headings) -> list[_Entry]:
    zone_start, zone_end = summary
    entries: list[_Entry] = []
    pos = zone_start
    sw = _SUMMARY_WORD.match(text, zone_start)
    if sw:
        pos = sw.end()
    for ref in PAGE_REF.finditer(text, pos, zone_end):
        if not _looks_like_entry_end(text, ref):
            continue
        raw_start = pos
        chunk = text[pos:ref.start()]
        # drop section headings and redaction codes in front of the entry
        offset = 0
        for hs, he, _, _ in headings:
            if pos <= hs < ref.start():
                offset = max(offset, he - pos)
        for rs, re_, _ in find_redactions(chunk):
            offset = max(offset, re_)
        # the last number marker starts the entry ("2.\n3. Eight airborne ..." -> 3)
        number = None
        numbers = [m for m in ITEM_NUMBER.finditer(chunk, offset)]
        numbers += [m for m in re.finditer(r"(?<![\w.])(?P<num>[IlL])(?P<punct>[.,])(?=\s)", chunk[offset:])]
        body_from = offset
        if numbers:
            last = max(numbers, key=lambda m: m.end() + (offset if m.re is not ITEM_NUMBER else 0))
            end_at = last.end() + (offset if last.re is not ITEM_NUMBER else 0)
            if not re.search(r"[A-Za-z]{3}", chunk[end_at:]):
                last = None
            if last is not None:
                raw = last.group("num")
                number = 1 if raw in "IlL" else int(raw)
                body_from = end_at
        headline = re.sub(r"\s+", " ", chunk[body_from:]).strip(" \t\n.,;-*/")
        headline = re.sub(r"^[^A-Za-z\"']+", "", headline)
        entries.append(_Entry(number, headline, raw_start + body_from, ref.end()))
        pos = ref.end()
    # entries printed without their number take the next one in sequence
    out: list[_Entry] = []
    for i, e in enumerate(entries):
        number = e.number
        if number is None:
            prev = out[-1].number if out else 0
            nxt = next((x.number for x in entries[i + 1:] if x.number is not None), None)
            if prev is not None and (nxt is None or nxt > prev + 1):
                number = prev + 1
        out.append(_Entry(number, e.headline, e.start, e.end))
    return out


# --- section headings -------------------------------------------------------------------------------


def _section_candidates(text: str) -> list[tuple[int, int, str, bool]]:
    """``(start, end, name, is_numbered_section)`` for every capitalised section name."""
    out = []
    for m in section_regex().finditer(text):
        name = m.group("inner") or m.group("name")
        out.append((m.start(), m.end(), canonical_section(name), bool(m.group("secno"))))
    return out


_AFTER_HEADING = re.compile(r"(?:\s+(?:\S{1,12}?(?<=\))|25X\w*|[.,*]+))*?\s*(?:[1-9]\d?|[IlL])\s?[.,]{1,2}\s")


def _accepted_sections(text: str, headings, markers: list[_Marker], summary) -> list[Section]:
    """Headings that stand as headings: numbered sections, own-line headings, and headings directly
    before an item number, a recovered item, another heading, or (in the contents list) an entry."""
    starts = {m.start for m in markers}
    out = []
    for i, (start, end, name, numbered) in enumerate(headings):
        ok = numbered or _line_is(text, start, end)
        if not ok:
            after = text[end:end + 60]
            rest = _skip_debris(after)
            nxt = end + (len(after) - len(rest))
            ok = bool(_AFTER_HEADING.match(after)) or re.match(r"(?:[1-9]\d?|[IlL])\s?[.,]{1,2}\s", rest) is not None
            ok = ok or nxt in starts or any(abs(s - nxt) <= 2 for s in starts)
            ok = ok or any(0 <= s - end <= 60 and not _has_words(text[end:s]) for s in starts)
            ok = ok or (i + 1 < len(headings) and headings[i + 1][0] == nxt)
            if not ok and summary and summary[0] <= start < summary[1]:
                ok = re.match(r"[\"'A-Z]", rest) is not None and not re.match(r"[A-Z]{2,}\.", rest)
        if ok and not _inside_word_run(text, start, end):
            out.append(Section(name, Span.of(text, start, end)))
    return out


def _has_words(s: str) -> bool:
    return any(re.fullmatch(r"[\"'(]*[A-Za-z]?[a-z]{2,}[\"').,;:]*", t) for t in s.split())


def _inside_word_run(text: str, start: int, end: int) -> bool:
    # "the USSR" inside a sentence: a lowercase word right before, not at a line start
    before = text[max(0, start - 20):start]
    return bool(re.search(r"[a-z]{2,}[ \t]+$", before)) and not _at_line_start(text, start)


def _skip_debris(s: str) -> str:
    """Drop leading whitespace, redaction codes and page furniture debris tokens."""
    while True:
        t = s.lstrip()
        red = find_redactions(t[:20])
        if red and red[0][0] == 0:
            s = t[red[0][1]:]
            continue
        m = re.match(r"(?:\*|[-–]+|\d{1,4}(?!\s?[.,]\s)|[^\sA-Za-z0-9\"']+)(?=\s|$)", t)
        if m and m.end() > 0:
            s = t[m.end():]
            continue
        return t


# --- bulletin items ---------------------------------------------------------------------------------


def _bulletin_markers(text: str, zone_end: int, entries: list[_Entry], headings) -> list[_Marker]:
    by_number = {e.number: e for e in entries if e.number is not None}
    heading_ends = {e for _, e, _, _ in headings}
    cands: list[_Marker] = []
    for m in ITEM_NUMBER.finditer(text, zone_end):
        cands.append(_Marker(int(m.group("num")), m.start(), m.end(), _at_line_start(text, m.start())))
    for m in ONE_LOOKALIKE.finditer(text, zone_end):
        cands.append(_Marker(1, m.start("num"), m.end(), True))
    # "L New Delhi" / "I. Beria": a one-lookalike right after a section heading
    for m in re.finditer(r"(?<![\w.])(?P<num>[IlL])(?P<punct>[.,]{0,2})[ \t]+(?=[A-Z\"])", text[zone_end:]):
        s = zone_end + m.start()
        prev = text[:s].rstrip()
        if len(prev) in heading_ends:
            cands.append(_Marker(1, s, zone_end + m.end(), _at_line_start(text, s)))
    spans = [(s, e) for s, e, _, _ in headings]
    cands = [c for c in sorted(cands, key=lambda c: c.start) if not any(s <= c.start < e for s, e in spans)]

    accepted: list[_Marker] = []
    last = 0
    for c in cands:
        if c.number <= last:
            continue
        if not _good_context(text, c):
            continue
        entry = by_number.get(c.number)
        head = _skip_space(text, c.head)
        confirmed = entry is not None and _similar_at(text, head, entry.headline) >= 0.6
        evidence = confirmed or c.line_start or _headline_end(text, head, None)[1] != "none"
        if not evidence:
            continue
        if accepted and accepted[-1].start <= c.start < _skip_space(text, accepted[-1].head) + 3:
            continue
        c.summary_headline = entry.headline if confirmed and entry else None
        accepted.append(c)
        last = c.number
    # recover items whose number OCR lost, from their contents-list headline
    found = {m.number for m in accepted}
    for e in entries:
        if e.number is None or e.number in found or len(e.headline) < 12:
            continue
        pos = _find_headline(text, e.headline, zone_end)
        if pos is None:
            continue
        before = [m for m in accepted if m.start < pos]
        after = [m for m in accepted if m.start > pos]
        if (before and before[-1].number >= e.number) or (after and after[0].number <= e.number):
            continue
        if before and pos < _skip_space(text, before[-1].head) + len(before[-1].summary_headline or "") + 3:
            continue
        accepted.append(_Marker(e.number, pos, pos, _at_line_start(text, pos), e.headline))
        accepted.sort(key=lambda m: m.start)
    return accepted


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _good_context(text: str, c: _Marker) -> bool:
    """An item number stands after a line break, a sentence end, a heading or furniture, and is
    followed by a headline (a capital, a quote, or a country tag) or by nothing (a blacked-out item)."""
    after = text[c.head:c.head + 3]
    if after and not re.match(r"[ \t]*[\"'“A-Z(\[]|\s*\n|\s*$", after):
        return False
    if c.line_start:
        return True
    prev = text[:c.start].rstrip()
    return not prev or not re.search(r"[a-z,;]$", prev)


_SEPARATOR = re.compile(r"[ \t]*(?::|;(?=\s)|-[ \t]*,[-\s]?|[-–][ \t]+(?=[A-Z\"])|—|--(?=\s*[A-Z]))")


def _headline_end(text: str, head: int, limit_end: int | None) -> tuple[int, str]:
    """Where a bulletin headline starting at ``head`` ends, and by which rule.

    A colon (or ";", "-,", " - " read by OCR for a colon) within the headline's reach; in line-broken
    text the headline runs on to the next line only while the line ends mid-phrase and the next one
    starts in lower case; then a dash glued to a capital after three words ("Korea-US Ambassador");
    then the first sentence end. Returns (end, rule) with rule "none" when nothing marks the end.
    """
    stop = min(len(text), head + _HEADLINE_MAX, limit_end if limit_end is not None else len(text))
    region = text[head:stop]
    para = region.split("\n\n")[0]
    # line-broken: follow the lines
    lines = para.split("\n")
    if len(lines) > 1:
        reach = 0
        for i, line in enumerate(lines[:3]):
            m = _SEPARATOR.search(line)
            if m and m.start() > 0:
                return head + reach + m.start(), "colon"
            reach += len(line)
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if re.search(r"[,.;:!?)\"]\s*$", line) or not re.match(r"\s*[a-z]", nxt):
                end = head + reach
                return _trim_back(text, head, end), "line"
            reach += 1
        return _trim_back(text, head, head + reach), "line"
    m = _SEPARATOR.search(para)
    if m and m.start() > 0 and m.start() <= 250:
        return head + m.start(), "colon"
    for m in re.finditer(r"(?<=[a-z\"'])-(?=[A-Z])", para[:200]):
        if len(para[:m.start()].split()) >= 3:
            return head + m.start(), "dash"
    m = _first_sentence_end(para)
    if m is not None and m <= 250:
        return head + m, "sentence"
    if stop == len(text):
        return _trim_back(text, head, stop), "cut"
    return head + min(len(para), 250), "none"


def _trim_back(text: str, head: int, end: int) -> int:
    while end > head and (text[end - 1].isspace() or text[end - 1] in ",;:-–"):
        end -= 1
    return end


def _first_sentence_end(s: str) -> int | None:
    for m in _SENTENCE_END.finditer(s):
        if _ABBREVIATION.search(s[:m.start()]):
            continue
        return m.start()
    return None


def _tokens(s: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", s.lower())


def _similar_at(text: str, pos: int, headline: str) -> float:
    """How well the text at ``pos`` matches a contents-list headline (0..1, token-level)."""
    want = _tokens(headline)
    if not want:
        return 0.0
    got = _tokens(text[pos:pos + len(headline) * 2 + 40])[: len(want) + 2]
    return difflib.SequenceMatcher(None, want, got[: len(want)]).ratio()


def _find_headline(text: str, headline: str, start: int) -> int | None:
    words = headline.split()
    if len(words) < 3:
        return None
    first = r"\s+".join(re.escape(w) for w in words[:3])
    for m in re.finditer(first, text[start:]):
        pos = start + m.start()
        if _similar_at(text, pos, headline) >= 0.7:
            return pos
    return None


def _aligned_end(text: str, head: int, headline: str) -> int:
    """End of the body text that matches a contents-list headline (OCR spelling may differ)."""
    want = _tokens(headline)
    spans = [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z0-9]+", text[head:head + len(headline) * 2 + 40])]
    best, best_end = 0.0, None
    for n in range(max(1, len(want) - 3), min(len(spans), len(want) + 3) + 1):
        got = [text[head + s:head + e].lower() for s, e in spans[:n]]
        r = difflib.SequenceMatcher(None, want, got).ratio()
        if r > best:
            best, best_end = r, head + spans[n - 1][1]
    if best_end is None:
        return head
    # keep a closing quote or bracket that belongs to the last word
    while best_end < len(text) and text[best_end] in "\"'”’)":
        best_end += 1
    return best_end


def _bulletin_items(text: str, markers: list[_Marker], sections: list[Section],
                    furniture: list[tuple[int, int]]) -> list[Item]:
    heading_starts = sorted(s.heading.start for s in sections)
    items: list[Item] = []
    for i, mk in enumerate(markers):
        nxt = markers[i + 1].start if i + 1 < len(markers) else len(text)
        end = min([h for h in heading_starts if mk.head <= h < nxt] + [nxt])
        section = None
        for s in sections:
            if s.heading.start < mk.start:
                section = s.name
        item = _one_bulletin_item(text, mk, end, section, furniture)
        if item is not None:
            items.append(item)
    if items:
        last = items[-1]
        if _reaches_end(text, last.span.end, furniture) and not _ends_sentence(last):
            items[-1] = _replace(last, truncated=True)
    return items


def _one_bulletin_item(text: str, mk: _Marker, end: int, section: str | None,
                       furniture: list[tuple[int, int]]) -> Item | None:
    head = _skip_space(text, mk.head)
    if head >= end:
        return None
    country = None
    if mk.head > mk.start:  # a printed number: a country tag may follow
        cm = COUNTRY_TAG.match(text, head, end)
        if cm and not _section_like_tag(cm.group("tag")):
            country = Span.of(text, cm.start("tag"), cm.end("tag"))
            head = cm.end()
    if mk.summary_headline:
        h_end = _aligned_end(text, head, mk.summary_headline)
        sep = _SEPARATOR.match(text, h_end)
        body_start = sep.end() if sep else h_end
    else:
        h_end, rule = _headline_end(text, head, end)
        h_end = min(h_end, end)
        sep = _SEPARATOR.match(text, h_end)
        body_start = sep.end() if sep else h_end
        if rule in ("sentence", "dash"):
            body_start = h_end + 1
    h_end = _trim_back(text, head, min(h_end, end))
    while body_start < end and (text[body_start].isspace() or text[body_start] in ",;:-–—"):
        body_start += 1
    headline = Span.of(text, head, h_end) if h_end > head else None
    if headline is not None and not re.search(r"[A-Za-z]{2}", headline.text):
        headline = None
    body_start = min(max(body_start, h_end), end)
    # comments: "Comment:" at a line start or after a sentence end, inside the item
    comment_starts = []
    for cm in COMMENT_MARKER.finditer(text, body_start, end):
        prev = text[:cm.start()].rstrip()
        if _at_line_start(text, cm.start()) or not prev or re.search(r"[.!?\"'”)\]]$|\d\)$|25X\w*$", prev):
            comment_starts.append(cm)
    body_end = comment_starts[0].start() if comment_starts else end
    body = build_passage(text, body_start, body_end, furniture)
    comments = []
    for j, cm in enumerate(comment_starts):
        c_end = comment_starts[j + 1].start() if j + 1 < len(comment_starts) else end
        c_body = build_passage(text, cm.end(), c_end, furniture)
        c_span_end = _content_end(text, cm.end(), c_end, furniture)
        comments.append(Comment(marker=Span.of(text, cm.start(), cm.end()), body=c_body,
                                span=Span.of(text, cm.start(), c_span_end)))
    if headline is None and not body.text.strip() and not comments:
        return None
    span_end = _content_end(text, head, end, furniture)
    is_comment_item = headline is not None and bool(COMMENT_ON.match(" " + headline.text))
    return Item(
        number=mk.number, section=section, country=country, headline=headline, body=body,
        comments=tuple(comments), span=Span.of(text, mk.start, max(span_end, h_end)),
        is_comment_item=is_comment_item,
    )


def _section_like_tag(tag: str) -> bool:
    return canonical_section(tag) != re.sub(r"\s+", " ", tag).strip() or tag in ("SUMMARY",)


def _content_end(text: str, start: int, end: int, furniture: list[tuple[int, int]]) -> int:
    """The end of the last non-furniture, non-space character in ``[start, end)``."""
    pos = end
    while pos > start:
        inside = next((s for s, e in furniture if s < pos <= e), None)
        if inside is not None:
            pos = max(start, inside)
            continue
        if text[pos - 1].isspace():
            pos -= 1
            continue
        break
    return pos


def _reaches_end(text: str, end: int, furniture: list[tuple[int, int]]) -> bool:
    return _content_end(text, end, len(text), furniture) == end


def _ends_sentence(item: Item) -> bool:
    last = item.comments[-1].body.text if item.comments else item.body.text
    if not last.strip():
        return False
    return bool(re.search(r"[.!?][\"'”’)\]]*\s*$", last))


def _replace(item: Item, **changes) -> Item:
    from dataclasses import replace

    return replace(item, **changes)


# --- plain documents (telegrams, news) --------------------------------------------------------------


def _plain_items(text: str, furniture: list[tuple[int, int]]) -> list[Item]:
    fn = _FOOTNOTES.search(text)
    main_end = fn.start() if fn else len(text)
    body_start = _plain_header_end(text, main_end)
    header = text[:body_start]
    telegram = bool(_TELEGRAM_HINT.search(header)) or bool(re.match(r"\s*\d{2,5}\.\s", text[body_start:]))
    markers = _paragraph_markers(text, body_start, main_end)
    items: list[Item] = []
    if markers:
        pre = _unnumbered(text, body_start, markers[0].start(), furniture, part="preamble", telegram=True)
        if pre is not None:
            items.append(pre)
        for i, m in enumerate(markers):
            end = markers[i + 1].start() if i + 1 < len(markers) else main_end
            items.append(_paragraph_item(text, m, end, furniture))
    else:
        title = None if telegram else _title(text, body_start)
        single = _unnumbered(text, body_start, main_end, furniture, part="item", telegram=telegram,
                             title=title, keep_empty=True)
        if single is not None:
            items.append(single)
    if fn:
        notes = _unnumbered(text, fn.end(), len(text), furniture, part="footnotes", telegram=False,
                            title=Span.of(text, fn.start() + len(fn.group()) - len(fn.group().lstrip()),
                                          fn.start() + len(fn.group().rstrip())))
        if notes is not None:
            items.append(notes)
    return items


def _plain_header_end(text: str, limit: int) -> int:
    """End of a leading block of short lines (source note, file number, from/to, dateline,
    classification) closed by a blank line, when a longer body follows."""
    m = re.search(r"\n[ \t]*\n", text[:min(limit, 3000)])
    if not m:
        return 0
    block = text[:m.start()]
    lines = [ln for ln in block.split("\n") if ln.strip()]
    if not lines or any(len(ln.split()) > 25 for ln in lines):
        return 0
    if len(lines) == 1 and re.search(r"[.!?]\s*$", lines[0]):
        return 0
    if not text[m.end():limit].strip():
        return 0
    return m.end()


def _title(text: str, body_start: int) -> Span | None:
    for s, e, line in _iter_lines(text, 0, body_start):
        stripped = line.strip().lstrip("#").strip()
        if not stripped or re.match(r"(?i)^[\w ]{1,20}:\s", stripped) or re.search(r"\d+/\d", stripped):
            continue
        if len(stripped.split()) <= 20:
            lead = len(line) - len(line.lstrip().lstrip("#").lstrip())
            return Span.of(text, s + lead, s + lead + len(stripped))
    return None


def _iter_lines(text: str, start: int, end: int):
    pos = start
    for line in text[start:end].split("\n"):
        yield pos, pos + len(line), line
        pos += len(line) + 1


def _paragraph_markers(text: str, start: int, end: int) -> list[re.Match[str]]:
    """Numbered paragraphs counting up from 1, each at the start of a line."""
    found = []
    expected = 1
    for m in ITEM_NUMBER.finditer(text, start, end):
        if not _at_line_start(text, m.start()) or int(m.group("num")) != expected:
            continue
        if m.group("punct").strip() != ".":
            continue
        found.append(m)
        expected += 1
    return found if len(found) >= 2 else []


def _paragraph_item(text: str, m: re.Match[str], end: int, furniture) -> Item:
    head = _skip_space(text, m.end())
    para = text[head:end]
    para_first = para.split("\n\n")[0]
    colon = para_first.find(":")
    sentence = _first_sentence_end(para_first)
    candidates = [c for c in (colon if colon > 0 else None, sentence) if c is not None]
    h_end = head + (min(candidates) if candidates else len(para_first.rstrip()))
    h_end = _trim_back(text, head, h_end)
    body_start = h_end
    while body_start < end and text[body_start] in ".:;!?":
        body_start += 1
    body_start = _skip_footnote_mark(text, body_start)
    headline = Span.of(text, head, h_end) if h_end > head else None
    # a heading ("Party members.", "Summary:") is not part of the body; a first sentence is
    heading_like = colon > 0 and head + colon == h_end or len(text[head:h_end].split()) <= 6
    if not heading_like:
        body_start = head
    body = build_passage(text, body_start, end, furniture)
    is_comment = headline is not None and bool(re.fullmatch(r"(?i)comments?", headline.text.strip()))
    comments: tuple[Comment, ...] = ()
    if is_comment:
        # a telegram's own "Comment." paragraph: its text is the sender's comment
        comments = (Comment(marker=headline, body=body,
                            span=Span.of(text, head, _content_end(text, head, end, furniture))),)
        body = Passage("", ())
    return Item(number=int(m.group("num")), section=None, country=None, headline=headline, body=body,
                comments=comments, span=Span.of(text, m.start(), _content_end(text, head, end, furniture)))


def _skip_footnote_mark(text: str, pos: int) -> int:
    m = re.match(r"\[fn\d+\]", text[pos:pos + 8])
    return pos + m.end() if m else pos


_REFERENCE_SENTENCE = re.compile(
    r"\s*(?:\d{1,5}\.\s+)?(?:(?:Re|Ref|Reference|Mytel|Deptel|Urtel|Embtel|Contel|Depcirtel|Your|My)\b[^.]{0,60}?"
    r"\d[^.]{0,40}?\.(?:\[fn\d+\])?\s*)?"
)


def _unnumbered(text: str, start: int, end: int, furniture, *, part: str, telegram: bool,
                title: Span | None = None, keep_empty: bool = False) -> Item | None:
    body = build_passage(text, start, end, furniture)
    if not body.text.strip():
        return None
    if part == "preamble":
        ref = _REFERENCE_SENTENCE.match(body.text)
        rest = body.text[ref.end():] if ref else body.text
        if len(re.findall(r"[A-Za-z]*[a-z]{2,}", rest)) < 4:
            return None
    headline = title
    if headline is None and (telegram or part != "footnotes"):
        headline = _first_sentence(text, start, end)
    s = _skip_space(text, start)
    item = Item(number=None, section=None, country=None, headline=headline, body=body, comments=(),
                span=Span.of(text, s, max(s, _content_end(text, s, end, furniture))))
    return _replace(item, part=part) if part != "item" else item


def _first_sentence(text: str, start: int, end: int) -> Span | None:
    """The first substantive sentence: after a telegram number and reference ("2164.", "Mytel 655.")."""
    pos = _skip_space(text, start)
    ref = _REFERENCE_SENTENCE.match(text, pos, end)
    if ref:
        pos = _skip_space(text, ref.end())
    region = text[pos:min(end, pos + 600)]
    stop = _first_sentence_end(region.split("\n\n")[0])
    stop = len(region.split("\n\n")[0].rstrip()) if stop is None else stop
    h_end = _trim_back(text, pos, pos + stop)
    return Span.of(text, pos, h_end) if h_end > pos else None
