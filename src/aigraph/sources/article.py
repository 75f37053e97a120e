"""An article's text, split into sentences, and verbatim quote lookup."""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import AigraphError
from ..files import check_input

# A candidate end: . ! ? or … (and any closing quotes or brackets after them), then
# whitespace, then what can start a sentence: a capital, a digit or an opening quote.
# Possessive runs, and a start only at the first mark of a run: the candidates are
# found in linear time ('.' * 200,000 was quadratic, each start rescanning the run).
_CANDIDATE = re.compile(r"(?<![.!?…])([.!?…]++)([\"'”’»)\]]*+)\s++(?=[\"'“‘«(\[]*+[^\W_a-z])")
_NEXT_WORD = re.compile(r"[\"'“‘«(\[]*([\w’']+)")
_PARAGRAPH = re.compile(r"\n[ \t\r\f\v]*\n\s*")
# Abbreviations that never end a sentence before a capital: titles, "e.g.", "No. 5".
_NEVER_FINAL = frozenset(
    "mr mrs ms mx dr prof sr jr st mt ft gen sen rep gov lt col capt cmdr sgt rev hon pres supt"
    " e.g i.e cf vs approx ca jan feb mar apr aug sept sep oct nov dec".split()
)
# Abbreviations that do not end a sentence before a number: "No. 5", "Fig. 2".
_BEFORE_NUMBER = frozenset("no nos fig figs vol pp art sec ch".split())
# Abbreviations that may end one: "Acme Inc. said" / "bought Acme Inc. The deal".
_MAY_END = frozenset("inc corp co ltd llc plc bros etc al dept assn univ".split())
# Words that usually start a sentence: after "U.S." or "Inc." they mean the sentence ended.
_STARTERS = frozenset(
    "a an the this that these those it its he she they we i you his her their our my there here"
    " but and or so yet however meanwhile also still then now today yesterday last next in on at"
    " for with after before during since while when if although though as because despite both"
    " some many most all no none each every such according other another one two three shares"
    " analysts critics officials".split()
)


def _last_word(text: str, start: int, end: int) -> str:
    """The last whitespace-separated word of ``text[start:end]`` ("" if none).

    It walks back from ``end`` rather than splitting the slice: the slice grows while
    candidates are rejected ("Mr. Mr. Mr. ..."), and splitting it each time was quadratic.
    The walk stops at the whitespace that ended the previous candidate, so in all it
    reads each character a bounded number of times.
    """
    j = end
    while j > start and text[j - 1].isspace():
        j -= 1
    i = j
    while i > start and not text[i - 1].isspace():
        i -= 1
    return text[i:j]


def _ends_sentence(para: str, start: int, m: re.Match[str]) -> bool:
    """Whether the candidate end ``m`` (a sentence begun at ``start``) is a sentence end."""
    if m.group(1) != ".":
        return True  # ! ? … and "..." end sentences
    word = _last_word(para, start, m.start(1)).lstrip("\"'“‘«([")
    low = word.lower()
    after = m.end()
    if low in _NEVER_FINAL or (low in _BEFORE_NUMBER and para[after : after + 1].isdigit()):
        return False
    if len(word) == 1 and word.isupper():
        return False  # an initial: "J. R. Smith"
    next_word = _NEXT_WORD.match(para, after)
    starter = next_word is not None and next_word.group(1).lower() in _STARTERS
    if low in _MAY_END or re.fullmatch(r"(?:\w\.)+\w", word):  # "Inc.", "U.S."
        return starter
    return True


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, whitespace normalized.

    A blank line always ends a sentence (a headline without a full stop). A full
    stop after a title ("Dr."), an initial or "e.g." does not; after "Inc." or
    "U.S." it does only before a word that usually starts a sentence. Closing
    quotes after the full stop stay with their sentence.

    >>> split_sentences('Acme Inc. hired Dr. Jane Roe. “We grow,” she said. The U.S. Navy agreed.')
    ['Acme Inc. hired Dr. Jane Roe.', '“We grow,” she said.', 'The U.S. Navy agreed.']
    """
    out: list[str] = []
    for para in _PARAGRAPH.split(text.strip()):
        start = 0
        for m in _CANDIDATE.finditer(para):
            if _ends_sentence(para, start, m):
                out.append(para[start : m.end(2)])
                start = m.end()
        out.append(para[start:])
    return [n for n in (normalize(s) for s in out) if n]

MAX_BYTES = 10 * 1024 * 1024
"""The largest article aigraph reads: 10 MiB, some 1.5 million words, far beyond any news article."""

# Text has no control characters but tab, line breaks and form feed: a NUL or an
# escape says the file is binary (or /proc/self/environ), not an article.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def normalize(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Sentence:
    index: int  # 1-based position in the article
    text: str  # verbatim, whitespace normalized


class ArticleText:
    """The text of one article, read as UTF-8, with its sentences."""

    def __init__(self, text: str, path: str | Path | None = None) -> None:
        self.path = path
        self.text = text
        self.sentences = [Sentence(i, s) for i, s in enumerate(split_sentences(text), 1)]
        self._cache: tuple[str, list[int]] | None = None

    @classmethod
    def read(cls, path: str | Path) -> ArticleText:
        """Read a regular file of UTF-8 text of at most :data:`MAX_BYTES`."""
        path = check_input(path, "an article")
        try:
            with path.open("rb") as file:
                raw = file.read(MAX_BYTES + 1)  # never more: /proc files claim a size of 0
        except OSError as exc:
            raise AigraphError(f"cannot read: {exc.strerror or exc}", path=path) from None
        if len(raw) > MAX_BYTES:
            raise AigraphError(f"article is larger than {MAX_BYTES // 2**20} MiB, the most aigraph reads", path=path)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise AigraphError("article is not valid UTF-8", path=path, line=line) from None
        control = _CONTROL.search(text)
        if control:
            line = text.count("\n", 0, control.start()) + 1
            raise AigraphError(
                f"article is not plain text: it holds the control character U+{ord(control.group()):04X}",
                path=path,
                line=line,
            )
        return cls(text, path)

    def _joined(self) -> tuple[str, list[int]]:
        """The sentences joined by single spaces, and where each starts (computed once)."""
        if self._cache is None:
            starts, at = [], 0
            for s in self.sentences:
                starts.append(at)
                at += len(s.text) + 1
            self._cache = (" ".join(s.text for s in self.sentences), starts)
        return self._cache

    def find(self, quote: str) -> list[Sentence]:
        """Return the sentence(s) a quote comes from; empty if it is not verbatim.

        A quote may span sentences; whitespace differences are ignored. Where
        the quote occurs in several places, the first is returned (see
        :meth:`places`).

        >>> ArticleText("One two. Three four.").find("two. Three")
        [Sentence(index=1, text='One two.'), Sentence(index=2, text='Three four.')]
        """
        found = self.places(quote)
        return list(found[0]) if found else []

    def places(self, quote: str) -> list[tuple[Sentence, ...]]:
        """Every distinct run of sentences the quote occurs in, in article order.

        >>> [[s.index for s in run] for run in ArticleText("AI here. AI there.").places("AI")]
        [[1], [2]]
        """
        q = normalize(quote)
        if not q:
            return []
        joined, starts = self._joined()
        runs: list[tuple[Sentence, ...]] = []
        seen: set[tuple[int, int]] = set()
        at = joined.find(q)
        while at >= 0:
            # The sentences the occurrence overlaps, found by bisection (big articles have many).
            first = bisect.bisect_right(starts, at) - 1
            last = bisect.bisect_left(starts, at + len(q)) - 1
            if (first, last) not in seen:
                seen.add((first, last))
                runs.append(tuple(self.sentences[first : last + 1]))
            at = joined.find(q, at + 1)
        return runs


_WORD = re.compile(r"\w+")


class QuotePlaces:
    """:meth:`ArticleText.places` answered from an index of the article's words.

    ``places`` scans the whole article for each quote; a draft asks about
    thousands of candidate quotes on a long text, which made drafting
    quadratic in its length. A word of the quote that has a non-word
    character on both sides inside the quote is a whole word wherever the
    quote occurs, so only that word's occurrences need checking. A quote
    without one (a name, "Acme Labs") is looked up through the suffixes of
    the article's distinct words. Every candidate is checked character by
    character, so the answer is the same as ``places``' (a test compares
    them). ``aigraph draft`` checks its candidate quotes with it, and ``build`` the quotes
    of a long article with many facts.
    """

    def __init__(self, article: ArticleText) -> None:
        self.sentences = article.sentences
        self.joined, self.starts = article._joined()
        self.words: dict[str, list[int]] = {}
        for m in _WORD.finditer(self.joined):
            self.words.setdefault(m.group(), []).append(m.start())
        self._suffixes: list[tuple[str, str, int]] | None = None

    def _by_suffix(self) -> list[tuple[str, str, int]]:
        """(suffix, word, where the suffix starts in the word) for every distinct word, sorted."""
        if self._suffixes is None:
            self._suffixes = sorted((w[i:], w, i) for w in self.words for i in range(len(w)))
        return self._suffixes

    def _containing(self, token: str, at_start: bool, at_end: bool) -> list[tuple[str, int]]:
        """(word, offset of ``token`` in it) for the words that can hold ``token`` there.

        ``at_start``: the token starts the word (a non-word character precedes it in
        the quote); ``at_end``: the token ends the word.
        """
        if at_start and at_end:
            return [(token, 0)] if token in self.words else []
        sfx = self._by_suffix()
        out = []
        for i in range(bisect.bisect_left(sfx, (token,)), len(sfx)):
            suffix, word, off = sfx[i]
            if not suffix.startswith(token):
                break
            if (not at_start or off == 0) and (not at_end or len(suffix) == len(token)):
                out.append((word, off))
        return out

    def _entries(self, token: str) -> int:
        """How many suffixes of distinct words start with ``token`` (a cheap measure of its cost)."""
        sfx = self._by_suffix()
        return bisect.bisect_left(sfx, (token + "\U0010ffff",)) - bisect.bisect_left(sfx, (token,))

    def _candidates(self, q: str) -> list[int] | None:
        """Where ``q`` may start in the joined sentences (a superset), or None: scan for it."""
        # A few words are enough to choose a rare one (a quote may be thousands of words long).
        tokens = list(itertools.islice(_WORD.finditer(q), 16))
        whole = [t for t in tokens if t.start() > 0 and t.end() < len(q)]
        if whole:
            t = min(whole, key=lambda t: len(self.words.get(t.group(), ())))
        elif tokens:  # one or two words, at the ends of the quote: the one fewer words can hold
            t = min(tokens, key=lambda t: self._entries(t.group()))
        else:
            return None
        k = t.start()
        return [
            p + off - k for word, off in self._containing(t.group(), k > 0, t.end() < len(q)) for p in self.words[word]
        ]

    def places(self, quote: str, most: int | None = None) -> list[tuple[Sentence, ...]]:
        """Every distinct run of sentences the quote occurs in, in article order (as ``places``).

        ``most``: stop once that many runs are found (then not necessarily the first ones).
        """
        q = normalize(quote)
        if not q:
            return []
        cands = self._candidates(q)
        if cands is None:
            cands, at = [], self.joined.find(q)
            while at >= 0:
                cands.append(at)
                at = self.joined.find(q, at + 1)
        runs: dict[tuple[int, int], tuple[Sentence, ...]] = {}
        for at in cands:
            if at < 0 or not self.joined.startswith(q, at):
                continue
            first = bisect.bisect_right(self.starts, at) - 1
            last = bisect.bisect_left(self.starts, at + len(q)) - 1
            if (first, last) not in runs:
                runs[(first, last)] = tuple(self.sentences[first : last + 1])
                if most is not None and len(runs) >= most:
                    break
        return [runs[k] for k in sorted(runs)]
