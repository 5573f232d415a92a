"""The attribution component: who said what (source, cue, content) in a parsed Doc.

Runs after the trained parser. For every sentence it finds attribution relations in the
PolNeAR/PARC sense from the dependency parse:

* cue verbs with a clausal complement ("X states that A", "A, X added"), a raising complement
  ("X is expected to ..."), an object for verbs that take one ("denied the report"), or a quote
  after a colon;
* cue nouns with a that-clause ("its belief that A", "a report that A", "sees no indication that");
* adverbial sources ("according to X", "in the opinion of X");
* blackout codes that open a sentence and stand for a withheld source and cue ("[redacted] A").

Conjoined content clauses ("that A, and that B") become separate attributions. An attribution
whose cue sits inside another's content records that one as its ``parent`` (nested attribution).
Then, at discourse level, sentences with no attribution of their own either continue the previous
source of the same paragraph (``kind == "carry"``) or are left to the text's own voice
(``kind == "narrative"``); the converter (``extract.py``) decides per passage who that voice is
(the analyst, a telegram's sender, "unspecified") or drops them (news).

Results are plain data in ``doc._.graphbuild_attributions`` (a list of :class:`Attribution` with
character offsets into ``doc.text``), plus the spans in ``doc.spans["graphbuild_cues"]``,
``["graphbuild_contents"]`` and ``["graphbuild_sources"]``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from graphbuild.nlp.stance import Lexicon, commitment_of, load_lexicon, polarity_of
from graphbuild.records import Commitment, Polarity

log = logging.getLogger("graphbuild")

EXTENSION = "graphbuild_attributions"

#: Source roles: where the converter should take the source from.
MENTION = "mention"  # ``source`` is a span naming (or pronoun for) the source
REDACTED = "redacted"  # ``source`` is the blackout code standing for it
DEFAULT = "default"  # no source stated: the passage's own voice (analyst, sender, unspecified)
HEARSAY = "hearsay"  # an unnamed third party ("it is reported that", "he was told that")

_SUBJECTS = ("nsubj", "nsubjpass", "csubj", "csubjpass")
_EXPLETIVES = {"it", "there"}
_CONJ_LEADERS = {",", ";", "and", "but", "or", "while", "whereas", "--", "—"}
_QUOTES = "\"'“”‘’«»"
_LIGHT_NOUN_VERBS = {"add", "express", "voice", "reiterate", "repeat", "share", "have", "hold", "see",
                     "give", "make", "state", "convey", "offer", "indicate", "register", "find", "receive"}
_ADVERBIAL_NOUNS = {"opinion", "view", "judgment", "judgement", "estimate", "estimation", "assessment"}
_CONTENT_WORD = re.compile(r"[A-Za-z]{2,}")
#: Prepositions that complete an object content ("accused X of Y", "credited X with Y").
_OBJECT_PREPS = {"for", "with", "as", "of"}
#: Attribution kinds that count only in texts without a voice of their own (news): stance and action
#: verbs ("backs", "wants", "voted for"; ``stance`` in cues.tsv) and headline labels ("Clinton: ...").
#: In a bulletin or telegram the narrator's sentence is the claim instead (extract.py drops these).
NEWS_ONLY = frozenset({"stance", "heading"})
#: Kinds whose source later uncued sentences of the paragraph may continue.
_SOURCING = frozenset({"verb", "parenthetical", "adverbial", "redaction"})


@dataclass(frozen=True, slots=True)
class Attribution:
    """One attribution relation, as character offsets into ``doc.text``.

    Attributes:
        content: the proposition (no cue, no trailing punctuation).
        sentence: the sentence it was found in.
        cue: the reporting/belief expression, or None (blackout, carried over, narrative).
        source: the span naming the source (a pronoun or blackout code included), or None.
        source_role: ``mention``, ``redacted``, ``default`` or ``hearsay`` (see module constants).
        commitment: cue default weakened by hedges in the content.
        polarity: negative when the cue denies or the content says the claim is unsupported.
        kind: ``verb``, ``parenthetical``, ``noun``, ``adverbial``, ``redaction``, ``stance``,
            ``heading``, ``carry`` or ``narrative``.
        base: the cue's commitment before hedges (what a carried-over sentence inherits).
        parent: index of the attribution whose content holds this one's cue (nested), or None.
        carried_from: for ``carry``, the index of the attribution whose source continues.
    """

    content: tuple[int, int]
    sentence: tuple[int, int]
    cue: tuple[int, int] | None
    source: tuple[int, int] | None
    source_role: str
    commitment: Commitment
    polarity: Polarity
    kind: str
    base: Commitment = Commitment.CERTAIN
    parent: int | None = None
    carried_from: int | None = None


@lru_cache(maxsize=4)
def _redaction_patterns(path: str | None) -> re.Pattern[str]:
    text = (Path(path).read_text(encoding="utf-8") if path else
            resources.files("graphbuild.nlp").joinpath("data", "redactions.tsv").read_text(encoding="utf-8"))
    alts = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return re.compile(r"\s*(?:(?:" + "|".join(alts) + r")\s*)+", re.IGNORECASE)


class AttributionExtractor:
    """The ``graphbuild_attribution`` pipeline component (see the module docstring)."""

    def __init__(self, nlp: Language, name: str = "graphbuild_attribution", *, cues_path: str | None = None,
                 hedges_path: str | None = None, negators_path: str | None = None,
                 redactions_path: str | None = None, carry_over: bool = True, carry_limit: int = 1,
                 min_words: int = 4) -> None:
        self.name = name
        self.lexicon: Lexicon = load_lexicon(cues_path, hedges_path, negators_path)
        self.redaction = _redaction_patterns(redactions_path)
        self.carry_over = carry_over
        self.carry_limit = carry_limit
        self.min_words = min_words
        if not Doc.has_extension(EXTENSION):
            Doc.set_extension(EXTENSION, default=None)

    def __call__(self, doc: Doc) -> Doc:
        found = find_attributions(doc, self.lexicon, self.redaction, carry_over=self.carry_over,
                                  carry_limit=self.carry_limit, min_words=self.min_words)
        doc._.set(EXTENSION, found)
        doc.spans["graphbuild_cues"] = [s for a in found if a.cue for s in [doc.char_span(*a.cue)] if s]
        doc.spans["graphbuild_contents"] = [s for a in found for s in [doc.char_span(*a.content)] if s]
        doc.spans["graphbuild_sources"] = [s for a in found if a.source for s in [doc.char_span(*a.source)] if s]
        return doc


# --------------------------------------------------------------------------------------------
# Span helpers (token index ranges are half-open)


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Token range without leading/trailing punctuation, spaces, complementizers and conjunctions."""
    while start < end and (doc[start].is_space or (doc[start].is_punct and doc[start].text not in _QUOTES)
                           or (doc[start].lower_ in {"that", "whether"} and (
                               doc[start].dep_ == "mark" or doc[start].tag_ == "IN"
                               # "…, that fuel is scarce": a complementizer the parser took for a
                               # determiner; "that is" keeps its pronoun.
                               or (start + 1 < end and doc[start + 1].pos_ not in ("VERB", "AUX")
                                   and start > 0 and doc[start - 1].lower_ in _CONJ_LEADERS)))
                           or doc[start].lower_ in {"and", "but", "or"}):
        start += 1
    while end > start and (doc[end - 1].is_space or (doc[end - 1].is_punct and doc[end - 1].text not in _QUOTES)
                           or doc[end - 1].lower_ in {"and", "but", "or", "that"}):
        end -= 1
    # A closing quote left alone after the trailing punctuation was cut ("... terms.”" -> keep quote
    # only when the content also holds its opening quote).
    if end > start and doc[end - 1].text in _QUOTES:
        inner = doc[start:end - 1].text
        if not any(q in inner for q in _QUOTES):
            end -= 1
            while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
                end -= 1
    return (start, end) if end > start else None


def _chars(doc: Doc, start: int, end: int) -> tuple[int, int]:
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)


def _subtree(tok: Token) -> tuple[int, int]:
    return tok.left_edge.i, tok.right_edge.i + 1


def _words(doc: Doc, start: int, end: int) -> list[str]:
    """Words in the scope of hedging: the content's head verbs with their auxiliaries and adverbs,
    and sentence adverbs anywhere ("reportedly", "probably")."""
    out = []
    for t in doc[start:end]:
        heads = t.dep_ in ("ROOT", "ccomp", "conj", "xcomp") or not (start <= t.head.i < end)
        if heads or t.pos_ == "ADV" or (t.dep_ in ("aux", "advmod") and t.head.dep_ in ("ROOT", "ccomp", "conj")):
            if t.dep_ == "aux" and any(c.dep_ == "neg" for c in t.head.children):
                continue  # "could not accept" states an inability, it does not hedge
            out.append(t.lower_)
            out.append(t.lemma_.lower())
        elif (t.dep_ == "aux" and start <= t.head.i < end
              and (t.head.dep_ in ("ROOT", "ccomp", "conj", "xcomp") or not (start <= t.head.head.i < end))
              and not any(c.dep_ == "neg" for c in t.head.children)):
            out.append(t.lower_)
    return out


def _subject(verb: Token) -> Token | None:
    """The subject of ``verb``, climbing through conjoined/adverbial/complement verbs."""
    seen = 0
    tok = verb
    while tok is not None and seen < 4:
        for c in tok.children:
            if c.dep_ in _SUBJECTS:
                return c
        if tok.dep_ in ("relcl", "acl") and tok.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return tok.head
        if tok.dep_ in ("conj", "advcl", "xcomp") and tok.head is not tok:
            tok = tok.head
            seen += 1
            continue
        return None
    return None


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)


def _agent(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    return None


def _cue_range(verb: Token, extra: tuple[Token, ...] = ()) -> tuple[int, int]:
    """The verb with its auxiliaries, negation and particle, kept contiguous around the verb."""
    toks = [verb, *extra]
    for c in verb.children:
        if c.dep_ in ("aux", "auxpass", "neg", "prt") and abs(c.i - verb.i) <= 3:
            toks.append(c)
    lo, hi = min(t.i for t in toks), max(t.i for t in toks) + 1
    # Adverbs right before the verb belong to the cue ("also said", "has repeatedly denied").
    adverbs = {c.i for c in verb.children if c.dep_ == "advmod" and c.tag_ == "RB" and c.i < verb.i}
    while lo - 1 in adverbs:
        lo -= 1
    return lo, hi


def _with_colon(doc: Doc, cue_rng: tuple[int, int]) -> tuple[int, int]:
    """The cue stretched over the colon that introduces its content ("added:")."""
    k = cue_rng[1]
    if k < len(doc) and doc[k].text == ":":
        return cue_rng[0], k + 1
    return cue_rng


# --------------------------------------------------------------------------------------------
# Content clauses and conjoined splits


def _split_conjoined(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """Split a content range at "…, and that B" / "…, that C" into one range per clause."""
    cuts = []
    for t in doc[start + 1:end]:
        if t.lower_ in ("that", "whether") and t.tag_ == "IN" and t.i - 1 >= start:
            prev = doc[t.i - 1]
            if prev.lower_ in _CONJ_LEADERS or prev.is_space:
                k = t.i - 1
                while k > start and (doc[k].lower_ in _CONJ_LEADERS or doc[k].is_space):
                    k -= 1
                cuts.append((k + 1, t.i))
    pieces, lo = [], start
    for cut_end, that_i in cuts:
        pieces.append((lo, cut_end))
        lo = that_i
    pieces.append((lo, end))
    out = []
    for a, b in pieces:
        r = _trim(doc, a, b)
        if r and _content_words(doc, *r) >= 2:
            out.append(r)
    return out


def _content_words(doc: Doc, start: int, end: int) -> int:
    return sum(1 for t in doc[start:end] if _CONTENT_WORD.search(t.text))


def _exclude(rng: tuple[int, int], hole: tuple[int, int]) -> tuple[int, int]:
    """Cut ``hole`` out of ``rng`` when it sits at one end (keeps the larger side otherwise)."""
    a, b = rng
    h0, h1 = hole
    if h1 <= a or h0 >= b:
        return rng
    if h0 <= a:
        return h1, b
    if h1 >= b:
        return a, h0
    return (a, h0) if h0 - a >= b - h1 else (h1, b)


def _colon_content(doc: Doc, sent: Span, after: int) -> tuple[int, int] | None:
    """Content introduced by a colon right after the cue: the rest of the sentence (or the next)."""
    k = after
    while k < sent.end and (doc[k].is_space or doc[k].text in _QUOTES):
        k += 1
    if k < sent.end and doc[k].text == ":":
        rest = _trim(doc, k + 1, sent.end)
        if rest:
            return rest
        nxt = sent.end
        if nxt < len(doc):
            nsent = doc[nxt].sent
            return _trim(doc, nsent.start, nsent.end)
    return None


# --------------------------------------------------------------------------------------------
# Finders


def _parenthetical(doc: Doc, sent: Span, verb: Token, cue_rng: tuple[int, int]) -> tuple[int, int] | None:
    """"A, he said, B" / "A, officials said": the reported clause is the sentence around the cue."""
    subj = _subject(verb)
    if subj is None or subj.head is not verb:
        return None
    lo = min(cue_rng[0], subj.left_edge.i)
    hi = max(cue_rng[1], subj.right_edge.i + 1)
    set_off = (lo > sent.start and doc[lo - 1].text in (",", "—", "--")) and (
        hi >= sent.end or doc[hi].is_punct)
    if not set_off and verb.dep_ not in ("parataxis",):
        return None
    rng = _trim(doc, sent.start, sent.end)
    if rng is None or _content_words(doc, *rng) - _content_words(doc, lo, hi) < 3:
        return None
    return rng


def _quote_at(doc: Doc, text: str, char: int, quotes: list[tuple[int, int]], *,
              before: bool) -> tuple[int, int] | None:
    """The quotation that starts right after ``char`` (or ends right before it), as a token range."""
    if before:
        k = char
        while k > 0 and (text[k - 1].isspace() or text[k - 1] in ",:"):
            k -= 1
        hit = next((q for q in quotes if q[1] == k or (q[1] == k + 1 and text[k] in ",")), None)
        if hit is None and k > 0 and text[k - 1] in ",.!?":
            hit = next((q for q in quotes if q[1] == k - 1), None)
    else:
        k = char
        while k < len(text) and (text[k].isspace() or text[k] in ",:"):
            k += 1
        hit = next((q for q in quotes if q[0] == k), None)
    if hit is None:
        return None
    span = doc.char_span(hit[0], hit[1], alignment_mode="expand")
    return (span.start, span.end) if span is not None and len(span) else None


def _verb_attributions(doc: Doc, text: str, sent: Span, lex: Lexicon,
                       quotes: list[tuple[int, int]] = ()) -> list[Attribution]:
    out = []
    for tok in sent:
        if tok.pos_ not in ("VERB", "AUX"):
            continue
        cue = lex.verbs.get(tok.lemma_.lower())
        if cue is None:
            continue
        passive = _is_passive(tok)
        contents: list[tuple[int, int]] = []
        ccomps = [c for c in tok.children if c.dep_ == "ccomp"]
        xcomp = next((c for c in tok.children if c.dep_ == "xcomp"), None)
        dobj = next((c for c in tok.children if c.dep_ == "dobj"), None)
        cue_rng = _cue_range(tok)
        source_tok: Token | None = None
        role = MENTION
        kind = "stance" if "stance" in cue.flags else "verb"
        if "colon" in cue.flags:
            r = _colon_content(doc, sent, cue_rng[1])
            if r:
                contents.append(r)
                cue_rng = _with_colon(doc, cue_rng)
        elif ccomps:
            for cc in ccomps:
                rng = _exclude(_subtree(cc), cue_rng)
                contents.extend(_split_conjoined(doc, *rng))
        elif passive and xcomp is not None:
            # "X is said / expected / believed to V": the raised subject and the complement.
            subj = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
            if subj is not None and subj.lower_ not in _EXPLETIVES:
                lo, hi = _subtree(subj)[0], _subtree(xcomp)[1]
                r = _trim(doc, lo, hi)
                if r:
                    contents.append(r)
        elif xcomp is not None and dobj is not None and dobj.i < xcomp.i:
            # "X expects Y to V"
            r = _trim(doc, _subtree(dobj)[0], _subtree(xcomp)[1])
            if r:
                contents.append(r)
        elif "np" in cue.flags and dobj is not None and not passive:
            # "criticized Clinton for supporting the bill", "called her weak": the object's complements.
            hi = _subtree(dobj)[1]
            for c in tok.children:
                if c.i >= hi and (c.dep_ in ("oprd", "xcomp") or (c.dep_ == "prep" and c.lower_ in _OBJECT_PREPS)):
                    hi = max(hi, _subtree(c)[1])
            r = _trim(doc, _subtree(dobj)[0], hi)
            if r:
                contents.append(r)
        elif "to" in cue.flags and xcomp is not None and not passive and xcomp.i > tok.i:
            r = _trim(doc, *_subtree(xcomp))
            if r:
                contents.append(r)
        else:
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ in cue.preps:
                    pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
                    if pobj is not None:
                        r = _trim(doc, *_subtree(pobj))
                        if r:
                            contents.append(r)
                            cue_rng = (min(cue_rng[0], c.i), max(cue_rng[1], c.i + 1))
            if not contents:
                after = max([cue_rng[1]] + [c.i + 1 for c in tok.children if c.dep_ in ("dobj", "dative", "prt")])
                r = _colon_content(doc, sent, after)
                if r is not None and after == cue_rng[1]:
                    cue_rng = _with_colon(doc, cue_rng)
                r = r or _quote_at(doc, text, doc[after - 1].idx + len(doc[after - 1]), quotes, before=False)
                if r is None:
                    subj = _subject(tok)
                    left = min(tok.i, subj.left_edge.i if subj is not None and subj.i < tok.i else tok.i)
                    r = _quote_at(doc, text, doc[left].idx, quotes, before=True)
                if r is None and not passive:
                    r = _parenthetical(doc, sent, tok, cue_rng)
                    if r is not None and kind == "verb":
                        kind = "parenthetical"
                if r:
                    contents.append(r)
        if not contents:
            continue
        if all(c0 > cue_rng[1] for c0, _ in contents):
            cue_rng = _with_colon(doc, cue_rng)
        # Source: the subject, the passive agent, or nobody.
        if passive:
            agent = _agent(tok)
            if agent is not None:
                source_tok = agent
            else:
                role = HEARSAY if ("hearsay" in cue.flags or "recipient" in cue.flags) else DEFAULT
        else:
            source_tok = _subject(tok)
            if source_tok is None or source_tok.lower_ in _EXPLETIVES:
                role, source_tok = DEFAULT, None
        src = None
        if source_tok is not None:
            s_rng = _subtree(source_tok) if source_tok.dep_ in _SUBJECTS + ("pobj",) else (source_tok.i, source_tok.i + 1)
            s_rng = _exclude(s_rng, cue_rng)
            s_rng = _trim(doc, *s_rng)
            if s_rng is None:
                role = DEFAULT
            else:
                # Never let the source run over the content (parse errors on long OCR lines).
                if any(not (s_rng[1] <= c0 or s_rng[0] >= c1) for c0, c1 in contents):
                    s_rng = (source_tok.i, source_tok.i + 1)
                elif (s_rng[1] < cue_rng[0] and doc[s_rng[1]].text == ","
                      and any(t.text == "," for t in doc[s_rng[0]:s_rng[1]])):
                    # "Bush, Florida's former governor, said": the comma closing the apposition.
                    s_rng = (s_rng[0], s_rng[1] + 1)
                src = _chars(doc, *s_rng)
        base = Commitment.REPORTED if role == HEARSAY else cue.commitment
        cue_chars = _chars(doc, *cue_rng)
        for rng in contents:
            out.append(_make(doc, lex, rng, sent, cue_chars, src, role, base, cue.polarity, kind))
    return out


def _noun_attributions(doc: Doc, sent: Span, lex: Lexicon) -> list[Attribution]:
    out = []
    for tok in sent:
        if tok.pos_ not in ("NOUN", "PROPN"):
            continue
        cue = lex.nouns.get(tok.lemma_.lower())
        if cue is None:
            continue
        clause = next((c for c in tok.children if c.dep_ in ("acl", "ccomp", "relcl", "appos")
                       and any(g.dep_ == "mark" and g.lower_ in ("that", "whether") for g in c.children)), None)
        contents: list[tuple[int, int]] = []
        if clause is not None:
            contents = _split_conjoined(doc, *_subtree(clause))
        else:
            r = _colon_content(doc, sent, tok.i + 1)
            if r:
                contents = [r]
        if not contents:
            continue
        cue_lo, cue_hi = tok.i, tok.i + 1
        for c in tok.children:
            if c.dep_ in ("det", "neg") and c.lower_ in ("no", "not") and c.i < tok.i:
                cue_lo = min(cue_lo, c.i)
        source_tok: Token | None = None
        poss = next((c for c in tok.children if c.dep_ == "poss"), None)
        governor = tok.head if tok.dep_ in ("dobj", "attr", "oprd") and tok.head.pos_ in ("VERB", "AUX") else None
        if governor is not None:
            subj = _subject(governor)
            if subj is not None and subj.lower_ not in _EXPLETIVES:
                source_tok = subj
                cue_lo = min(cue_lo, *(_cue_range(governor)))
        if source_tok is None and poss is not None:
            source_tok = poss
        if source_tok is None:
            # "reports from his British and Dutch colleagues", "assurances by the Foreign Office"
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ in ("from", "by"):
                    source_tok = next((g for g in c.children if g.dep_ == "pobj"), None)
                    if source_tok is not None:
                        cue_hi = max(cue_hi, c.i + 1)
                        break
        if source_tok is None and tok.lemma_.lower() in _ADVERBIAL_NOUNS:
            of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            pobj = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
            source_tok = pobj
        role = MENTION if source_tok is not None else DEFAULT
        src = None
        if source_tok is not None:
            rng = _subtree(source_tok) if source_tok.dep_ != "poss" else (source_tok.left_edge.i, source_tok.i + 1)
            rng = _trim(doc, *_exclude(rng, (cue_lo, cue_hi)))
            if rng is None or any(not (rng[1] <= c0 or rng[0] >= c1) for c0, c1 in contents):
                rng = (source_tok.i, source_tok.i + 1)
            src = _chars(doc, *rng)
        cue_chars = _chars(doc, cue_lo, cue_hi)
        for rng in contents:
            out.append(_make(doc, lex, rng, sent, cue_chars, src, role, cue.commitment, cue.polarity, "noun"))
    return out


def _adverbial_attributions(doc: Doc, sent: Span, lex: Lexicon) -> list[Attribution]:
    """"according to X, A" / "A, according to X" / "in the opinion of X, A"."""
    out = []
    for tok in sent:
        pobj = None
        cue_lo = cue_hi = tok.i
        if tok.lower_ == "according" and tok.i + 1 < sent.end and doc[tok.i + 1].lower_ == "to":
            to = doc[tok.i + 1]
            pobj = next((g for g in to.children if g.dep_ == "pobj"), None)
            cue_lo, cue_hi = tok.i, tok.i + 2
            pp_head = tok
        elif tok.lower_ == "in" and tok.dep_ == "prep":
            noun = next((g for g in tok.children if g.dep_ == "pobj" and g.lemma_.lower() in _ADVERBIAL_NOUNS), None)
            if noun is None:
                continue
            poss = next((c for c in noun.children if c.dep_ == "poss"), None)
            of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            if poss is not None:
                pobj = poss
                cue_lo, cue_hi = tok.i, noun.i + 1
            elif of is not None:
                pobj = next((g for g in of.children if g.dep_ == "pobj"), None)
                cue_lo, cue_hi = tok.i, of.i + 1
            pp_head = tok
        else:
            continue
        if pobj is None:
            continue
        owner = next((c for c in pobj.children if c.dep_ == "poss"), None)
        if owner is not None and (pobj.lemma_.lower() in lex.nouns or pobj.lemma_.lower() in _ADVERBIAL_NOUNS):
            pobj = owner  # "according to Kirk's information": Kirk
        if pobj.dep_ == "poss":
            s_rng = (pobj.left_edge.i, pobj.i + 1)
        else:
            s_rng = _subtree(pobj)
        s_rng = _trim(doc, *s_rng)
        if s_rng is None:
            continue
        pp = (min(cue_lo, s_rng[0]), max(_subtree(pp_head)[1], s_rng[1]))
        # The clause the phrase modifies: the nearest verb it hangs from, else the sentence.
        head = pp_head.head
        while head.pos_ not in ("VERB", "AUX") and head.dep_ not in ("ROOT",) and head.head is not head:
            head = head.head
        clause = _subtree(head) if head.dep_ != "ROOT" else (sent.start, sent.end)
        rng = _exclude(clause, pp)
        contents = _split_conjoined(doc, *rng)
        if not contents:
            continue
        cue_chars = _chars(doc, cue_lo, cue_hi)
        src = _chars(doc, *s_rng)
        for c in contents:
            out.append(_make(doc, lex, c, sent, cue_chars, src, MENTION, Commitment.CERTAIN, Polarity.POSITIVE,
                             "adverbial"))
    return out


def _heading_attributions(doc: Doc, text: str, sent: Span, lex: Lexicon) -> list[Attribution]:
    """A line opened by a speaker label and a colon: "Clinton: Trump's view is wrong", "Q: ...", "A: ...".

    The label is a short capitalised name (a named entity, a one-letter interview label, or a cue
    noun such as "Report"), at the start of a line or after a dash ("... - Pew Research: “...”").
    """
    for tok in sent:
        if tok.text != ":" or tok.i - sent.start > 12:
            continue
        line_start = text.rfind("\n", 0, tok.idx) + 1
        dash = max(text.rfind(" - ", line_start, tok.idx), text.rfind(" — ", line_start, tok.idx))
        label_start = dash + 3 if dash >= 0 else line_start
        label = doc.char_span(label_start, tok.idx, alignment_mode="contract")
        if label is None or not 1 <= len(label) <= 5 or any(t.is_space for t in label):
            continue
        if not all(t.text[:1].isupper() or t.is_punct or t.lower_ in ("of", "and", "the") for t in label):
            continue
        named = any(e.label_ in ("PERSON", "ORG", "NORP", "GPE") for e in label.ents) or (
            len(label) == 1 and len(label.text) == 1) or label[-1].lemma_.lower() in lex.nouns
        if not named:
            continue
        line_end = text.find("\n", tok.idx)
        line_end = len(text) if line_end < 0 else line_end
        body = doc.char_span(tok.idx + 1, line_end, alignment_mode="contract")
        if body is None:
            continue
        rng = _trim(doc, body.start, body.end)
        if rng is None or _content_words(doc, *rng) < 3:
            continue
        return [_make(doc, lex, rng, sent, _chars(doc, tok.i, tok.i + 1), _chars(doc, label.start, label.end),
                      MENTION, Commitment.CERTAIN, Polarity.POSITIVE, "heading")]
    return []


def _redaction_attributions(doc: Doc, sent: Span, lex: Lexicon, pattern: re.Pattern[str]) -> list[Attribution]:
    text = sent.text
    m = pattern.match(text)
    if not m or m.end() == 0 or not text[:m.end()].strip():
        return []
    end_char = sent.start_char + m.end()
    first = next((t for t in sent if t.idx >= end_char), None)
    if first is None:
        return []
    code = sent.start_char + (len(text[:m.end()]) - len(text[:m.end()].lstrip())), end_char
    code = (code[0], code[0] + len(text[code[0] - sent.start_char:m.end()].rstrip()))
    out = []
    for rng in _split_conjoined(doc, first.i, sent.end):
        out.append(_make(doc, lex, rng, sent, None, code, REDACTED, Commitment.REPORTED, Polarity.POSITIVE,
                         "redaction"))
    return out


def _make(doc: Doc, lex: Lexicon, rng: tuple[int, int], sent: Span, cue: tuple[int, int] | None,
          source: tuple[int, int] | None, role: str, base: Commitment, base_polarity: Polarity,
          kind: str) -> Attribution:
    content_text = doc[rng[0]:rng[1]].text
    cue_text = doc.char_span(*cue, alignment_mode="expand").text if cue else None
    return Attribution(
        content=_chars(doc, *rng), sentence=(sent.start_char, sent.end_char), cue=cue, source=source,
        source_role=role, commitment=commitment_of(base, _words(doc, *rng), lex),
        polarity=polarity_of(base_polarity, cue_text, content_text, lex), kind=kind, base=base,
    )


# --------------------------------------------------------------------------------------------
# Whole document


def _dedupe(found: list[Attribution]) -> list[Attribution]:
    """One attribution per content span: the one with a cue and a named source wins."""
    rank = {"verb": 0, "parenthetical": 0, "adverbial": 1, "redaction": 2, "noun": 3, "stance": 4, "heading": 5}
    best: dict[tuple[int, int], Attribution] = {}
    for a in sorted(found, key=lambda a: (rank.get(a.kind, 9), a.source is None)):
        best.setdefault(a.content, a)
    return sorted(best.values(), key=lambda a: (a.content[0], a.content[1]))


def _coverage(sent: Span, atts: list[Attribution]) -> float:
    covered = set()
    for a in atts:
        for rng in (a.content, a.cue, a.source):
            if rng is not None:
                lo, hi = rng
                covered.update(range(max(lo, sent.start_char), min(hi, sent.end_char)))
    text = sent.text
    base = sent.start_char
    chars = [base + i for i, ch in enumerate(text) if not ch.isspace()]
    return len(covered.intersection(chars)) / max(1, len(chars))


def _paragraph_break(text: str, a: int, b: int) -> bool:
    return bool(re.search(r"\n[ \t\f\r]*\n", text[a:b]))


def _narrative_range(doc: Doc, sent: Span, min_words: int) -> tuple[int, int] | None:
    rng = _trim(doc, sent.start, sent.end)
    if rng is None:
        return None
    # Leading list numbers ("2.", "(a)") are not part of the proposition.
    a, b = rng
    while a < b and (doc[a].like_num or doc[a].text in "()") and a + 1 < b and (
            doc[a + 1].is_punct or doc[a].text in "()"):
        a += 1
    rng = _trim(doc, a, b)
    if rng is None:
        return None
    a, b = rng
    words = _content_words(doc, a, b)
    if words < min_words or doc[b - 1].text == ":" or sent.text.rstrip().endswith(":"):
        return None
    if not any(t.pos_ in ("VERB", "AUX") for t in doc[a:b]) and words < min_words + 2:
        return None
    return rng


_QUOTATION = re.compile(r'"[^"\n]{2,2000}?"|“[^”\n]{2,2000}?”|\'\'[^\n]{2,2000}?\'\'|``[^\n]{2,2000}?\'\'')


def _quotations(text: str) -> list[tuple[int, int]]:
    """Character ranges of quoted passages (with their quote marks), within one paragraph."""
    return [m.span() for m in _QUOTATION.finditer(text)]


def _fit_content(a: Attribution, quotes: list[tuple[int, int]], text: str) -> Attribution:
    """Stretch a content to the whole quotation it sits in; never let it swallow its source or cue."""
    c0, c1 = a.content
    for q0, q1 in quotes:
        if q0 < c1 and c0 < q1:
            n0, n1 = min(c0, q0), max(c1, q1)
            if any(r is not None and n0 < r[1] and r[0] < n1 for r in (a.cue, a.source)):
                continue
            c0, c1 = n0, n1
    if a.cue is not None and c1 <= a.cue[0] and "\n\n" in text[c0:c1]:
        # '"A," he said': the quotation belongs to the paragraph of its attribution.
        c0 = text.rindex("\n\n", c0, c1) + 2
        while c0 < c1 and text[c0].isspace():
            c0 += 1
    if a.source is not None and c0 < a.source[0] < c1 and a.kind not in ("redaction", "parenthetical"):
        c1 = a.source[0]
        while c1 > c0 and (text[c1 - 1].isspace() or text[c1 - 1] in ",;:-—"):
            c1 -= 1
    return a if (c0, c1) == a.content else replace(a, content=(c0, c1))


def find_attributions(doc: Doc, lexicon: Lexicon, redaction: re.Pattern[str], *, carry_over: bool = True,
                      carry_limit: int = 1, min_words: int = 4) -> list[Attribution]:
    """All attributions of ``doc`` in text order (see the module docstring).

    ``carry_limit`` bounds how many uncued sentences after a sourced one continue its source (within
    a paragraph); a sentence whose subject is "I"/"we" is the writer's own and ends the carry-over.
    """
    out: list[Attribution] = []
    # Doc.text is rebuilt from every token on each access: read it once, not once per sentence.
    text = doc.text
    quotes = _quotations(text)
    last_sourced: int | None = None
    carried = 0
    last_end = 0
    for sent in doc.sents:
        if not sent.text.strip():
            continue
        found = (_redaction_attributions(doc, sent, lexicon, redaction) + _verb_attributions(doc, text, sent, lexicon, quotes)
                 + _adverbial_attributions(doc, sent, lexicon) + _noun_attributions(doc, sent, lexicon)
                 + _heading_attributions(doc, text, sent, lexicon))
        # Quoted speech is the speaker's words: its "I want", "we support" are part of the quotation.
        found = [a for a in found if a.kind not in NEWS_ONLY or not any(q0 < a.cue[0] < q1 for q0, q1 in quotes)]
        found = _dedupe([_fit_content(a, quotes, text) for a in found])
        # Noun cues buried in another claim's content with nobody named ("the possibility that") are
        # part of that content, not claims of their own.
        found = [a for a in found if not (a.kind == "noun" and a.source_role == DEFAULT and any(
            b is not a and b.content[0] <= a.cue[0] and a.cue[1] <= b.content[1] for b in found))]
        if carry_over and last_sourced is not None and _paragraph_break(text, last_end, sent.start_char):
            last_sourced = None
        # Stance verbs and headline labels are attributions only where the text has no voice of its
        # own (news); they never stand in for a sentence's narrative reading (see NEWS_ONLY).
        strict = [a for a in found if a.kind not in NEWS_ONLY]
        main = [a for a in strict if a.kind != "noun" or a.source is not None]
        if strict and _coverage(sent, strict) >= 0.6 or main and _coverage(sent, main) >= 0.5:
            for a in found:
                out.append(a)
                if a.source is not None and a.source_role in (MENTION, REDACTED) and a.kind in _SOURCING:
                    last_sourced, carried = len(out) - 1, 0
        else:
            out.extend(found)
            rng = _narrative_range(doc, sent, min_words)
            if rng is not None:
                content_text = doc[rng[0]:rng[1]].text
                words = _words(doc, *rng)
                first_person = any(t.lower_ in ("i", "we") and t.dep_ in _SUBJECTS for t in sent)
                if first_person or carried >= carry_limit:
                    last_sourced = None
                origin = out[last_sourced] if (carry_over and last_sourced is not None) else None
                if origin is not None:
                    carried += 1
                    base = origin.base if origin.base == Commitment.REPORTED else Commitment.CERTAIN
                    out.append(Attribution(
                        content=_chars(doc, *rng), sentence=(sent.start_char, sent.end_char), cue=None,
                        source=origin.source, source_role=origin.source_role,
                        commitment=commitment_of(base, words, lexicon),
                        polarity=polarity_of(Polarity.POSITIVE, None, content_text, lexicon), kind="carry",
                        base=base, carried_from=last_sourced))
                else:
                    out.append(Attribution(
                        content=_chars(doc, *rng), sentence=(sent.start_char, sent.end_char), cue=None,
                        source=None, source_role=DEFAULT,
                        commitment=commitment_of(Commitment.CERTAIN, words, lexicon),
                        polarity=polarity_of(Polarity.POSITIVE, None, content_text, lexicon), kind="narrative"))
        # End of the sentence's last word: trailing line breaks belong to the gap before the next one.
        last_end = next((t.idx + len(t) for t in reversed(sent) if not t.is_space), sent.end_char)
    return _link_parents(_continue_quotations(text, out, quotes))


_CLOSING = "\"'”’»"


def _continue_quotations(text: str, found: list[Attribution],
                         quotes: list[tuple[int, int]]) -> list[Attribution]:
    """'"A," he said. "B."': the quotation resumed right after the attribution clause is the same content.

    The content becomes one span from the first quotation to the end of the resumed one (the
    interrupting "he said" inside it), so a quoted statement split by its attribution stays one claim.
    Only within a paragraph, and never over a quotation that has a cue of its own.
    """
    others = [b for b in found if b.cue is not None]
    out = list(found)
    for i, a in enumerate(found):
        if a.cue is None or a.kind not in ("verb", "stance"):
            continue
        c0, c1 = a.content
        if c1 > a.cue[0] or not text[c0:c1].rstrip() or text[c1 - 1] not in _CLOSING:
            continue
        anchor = max(a.cue[1], a.source[1] if a.source is not None and a.source[0] >= c1 else 0)
        nxt = min((q for q in quotes if q[0] >= anchor), default=None)
        if nxt is None:
            continue
        gap = text[anchor:nxt[0]]
        if len(gap) > 200 or "\n" in gap or any(q in gap for q in ('"', "“", "”", "''")) or not re.search(r"[.,;:]\s*$", gap):
            continue
        # The resumed quotation must not be another attribution's (its cue inside, or its content).
        if any(b is not a and (nxt[0] <= b.cue[0] < nxt[1] or (b.content[0] < nxt[1] and nxt[0] < b.content[1]))
               for b in others):
            continue
        out[i] = replace(a, content=(c0, nxt[1]))
    return out


def _link_parents(found: list[Attribution]) -> list[Attribution]:
    """Record, for each attribution whose cue lies inside another's content, the innermost holder."""
    out = list(found)
    for i, a in enumerate(found):
        if a.cue is None and a.kind != "redaction":
            continue
        anchor = a.cue or a.source
        best = None
        for j, b in enumerate(found):
            if j == i or b.kind in ("carry", "narrative"):
                continue
            inside = b.content[0] <= anchor[0] and anchor[1] <= b.content[1]
            if inside and (best is None or (b.content[1] - b.content[0])
                           < (found[best].content[1] - found[best].content[0])):
                best = j
        if best is not None:
            out[i] = replace(a, parent=best)
    return out


def attributions(doc: Doc) -> list[Attribution]:
    """The attributions the component stored on ``doc`` (empty if it has not run)."""
    if not Doc.has_extension(EXTENSION):
        return []
    return list(doc._.get(EXTENSION) or [])
