"""Read a facts file (TOML): the article's metadata, entities and facts.

Every record keeps the 1-based line it starts on and the line of each of its
keys, so that later checks (quotes, ontology terms) can name the file and the
line of a mistake.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import AigraphError
from ..files import read_input

_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")  # \Z, not $: "Meta\n" must not pass

# Each table's keys: (required, optional). docs/facts-format.md documents every one (a test checks).
KEYS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "article": (
        frozenset({"id", "path", "title"}),
        frozenset({"url", "published", "language", "ontology", "namespace"}),
    ),
    "entity": (frozenset({"id", "label", "class", "evidence"}), frozenset({"aliases"})),
    "fact": (frozenset({"id", "subject", "predicate", "evidence"}), frozenset({"object", "value"})),
}
_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\"' -]+?)\s*\]\]?\s*(#.*)?$")


@dataclass(frozen=True)
class Article:
    id: str
    path: Path
    title: str
    url: str | None
    published: _dt.date | None
    language: str | None
    line: int
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, hash=False, repr=False)
    ontology: tuple[Path, ...] = ()  # extension ontologies, relative to the facts file
    namespace: str | None = None  # where this article's IRIs are minted (None: kg:)

    def at(self, key: str) -> int:
        """The line of ``key`` in the table (the table's line if the key is not found)."""
        return self.lines.get(key, self.line)


@dataclass(frozen=True)
class Entity:
    id: str
    label: str
    cls: str
    aliases: tuple[str, ...]
    evidence: tuple[str, ...]
    line: int
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def at(self, key: str) -> int:
        """The line of ``key`` in the table (the table's line if the key is not found)."""
        return self.lines.get(key, self.line)


@dataclass(frozen=True)
class Fact:
    id: str
    subject: str
    predicate: str
    object: str | None
    value: int | float | str | bool | None
    evidence: tuple[str, ...]
    line: int
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def at(self, key: str) -> int:
        """The line of ``key`` in the table (the table's line if the key is not found)."""
        return self.lines.get(key, self.line)


@dataclass
class FactsFile:
    path: Path
    article: Article
    entities: dict[str, Entity] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)


def _table_lines(text: str, header: str) -> list[int]:
    """1-based line numbers of each ``[[header]]`` or ``[header]`` line."""
    pattern = re.compile(r"^\s*\[\[?\s*" + re.escape(header) + r"\s*\]\]?\s*(#.*)?$")
    return [n for n, line in enumerate(_lines(text), 1) if pattern.match(line)]


def _lines(text: str) -> list[str]:
    """The file's lines as TOML counts them: str.splitlines() would also break at U+2028 in a string."""
    return text.split("\n")


class _Where:
    """Where a table sits in the file: its header line and the line of each key."""

    def __init__(self, path: Path, line: int | None, lines: dict[str, int]) -> None:
        self.path = path
        self.line = line
        self.lines = lines

    def at(self, key: str | None = None) -> int | None:
        return self.lines.get(key, self.line) if key else self.line

    def error(self, message: str, key: str | None = None) -> AigraphError:
        return AigraphError(message, path=self.path, line=self.at(key))


def _key_lines(lines: list[str], start: int | None) -> dict[str, int]:
    """Line of each ``key = ...`` in the table whose header is on line ``start``."""
    found: dict[str, int] = {}
    first = start or 0  # keys before any header belong to the root table
    for n in range(first + 1, len(lines) + 1):
        text = lines[n - 1]
        if n > first and _HEADER.match(text):
            break
        m = re.match(r"""^\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=""", text)
        if m:
            found.setdefault(m.group(1) or m.group(2) or m.group(3), n)
    return found


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):  # editors on Windows start UTF-8 files with a BOM
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise AigraphError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})", path=path, line=line
        ) from None


def read_facts(path: str | Path) -> FactsFile:
    """Parse and check the shape of a facts file; raise AigraphError on any mistake."""
    path = Path(path)
    raw = read_input(path, "a facts file")
    text = _decode(raw, path)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        msg = re.sub(r"\s*\(at (line|end of document).*\)$", "", str(exc)) or "invalid TOML"
        if m:
            raise AigraphError(
                f"invalid TOML: {msg} (column {m.group(2)})", path=path, line=int(m.group(1))
            ) from None
        raise AigraphError(
            f"invalid TOML: {msg}", path=path, line=text.count("\n") + 1 if "end of document" in str(exc) else None
        ) from None
    except RecursionError:
        raise AigraphError("invalid TOML: nested too deeply", path=path) from None
    except ValueError as exc:  # Python refuses to read integers of more than 4,300 digits
        long = re.search(r"[0-9_]{4300,}", text)
        line = text.count("\n", 0, long.start()) + 1 if long else None
        raise AigraphError(f"invalid TOML: {exc}".split(";")[0], path=path, line=line) from None
    lines = _lines(text)
    root = _Where(path, None, _key_lines(lines, None))

    unknown = sorted(set(doc) - {"article", "entity", "fact"})
    if unknown and "article" not in doc and {"id", "path", "title"} & set(unknown):
        first = min(unknown, key=lambda k: root.lines.get(k) or 0)
        raise AigraphError(
            f"{first} = ... is outside any table: put a line [article] above the article's"
            f" id, path and title (see {_DOC})",
            path=path,
            line=root.lines.get(first),
        )
    if unknown:
        first = min(unknown, key=lambda k: root.lines.get(k) or _first_table(text, k) or 0)
        hint = suggest(first, ["article", "entity", "fact"], listing=False)
        raise AigraphError(
            f"unknown top-level key(s): {', '.join(unknown)}{hint} (a facts file has [article],"
            f" [[entity]] and [[fact]] tables; see {_DOC})",
            path=path,
            line=root.lines.get(first) or _first_table(text, first),
        )
    art_lines = _table_lines(text, "article")
    art_line = art_lines[0] if art_lines else None
    article = _article(doc.get("article"), _Where(path, art_line, _key_lines(lines, art_line)))
    out = FactsFile(path=path, article=article)

    ent_lines = _table_lines(text, "entity")
    for i, table in enumerate(_tables(doc, "entity", root, text)):
        ent_line = ent_lines[i] if i < len(ent_lines) else None
        where = _Where(path, ent_line, _key_lines(lines, ent_line) if ent_line else {})
        ent = _entity(table, where)
        if ent.id in out.entities:
            raise where.error(
                f"duplicate entity id {ent.id!r} (first declared on line {out.entities[ent.id].line})", "id"
            )
        out.entities[ent.id] = ent

    fact_lines = _table_lines(text, "fact")
    seen: dict[str, int | None] = {}
    for i, table in enumerate(_tables(doc, "fact", root, text)):
        fact_line = fact_lines[i] if i < len(fact_lines) else None
        where = _Where(path, fact_line, _key_lines(lines, fact_line) if fact_line else {})
        fact = _fact(table, where)
        if fact.id in seen:
            raise where.error(f"duplicate fact id {fact.id!r} (first used on line {seen[fact.id]})", "id")
        seen[fact.id] = fact_line
        out.facts.append(fact)
    return out


def _first_table(text: str, key: str) -> int | None:
    found = _table_lines(text, key)
    return found[0] if found else None


def _tables(doc: dict, key: str, root: _Where, text: str) -> list[dict]:
    value = doc.get(key, [])
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        line = root.lines.get(key) or _first_table(text, key)
        raise AigraphError(f"'{key}' must be written as [[{key}]] tables", path=root.path, line=line)
    return value


_DOC = "docs/facts-format.md"

# What each required key is, for "is missing" messages.
_MEANING = {
    "id": "a name made of letters, digits, - and _",
    "path": "the article's text file, relative to this file",
    "title": "the article's headline",
    "label": "the entity's name",
    "class": "a class of the ontology, such as Organization",
    "evidence": "words copied from the article",
    "subject": "an entity id",
    "predicate": "a property of the ontology, such as memberOf",
}


def suggest(name: str, known: list[str], *, listing: bool = True, limit: int = 40) -> str:
    """"; did you mean 'x'? (known: x, y, ...)": the known names, closest to ``name`` first.

    >>> suggest("memberof", ["offers", "memberOf", "aimsTo"])
    "; did you mean 'memberOf'? (known: memberOf, aimsTo, offers)"
    """
    import difflib

    def score(k: str) -> float:
        return difflib.SequenceMatcher(None, name.lower(), k.lower()).ratio()

    ranked = sorted(dict.fromkeys(known), key=lambda k: (-score(k), k.lower()))
    out = f"; did you mean {ranked[0]!r}?" if ranked and score(ranked[0]) >= 0.6 else ""
    if listing and ranked:
        shown = ranked[:limit] + (["..."] if len(ranked) > limit else [])
        out += f" (known: {', '.join(shown)})"
    return out


def _check_keys(table: dict, required: frozenset[str], optional: frozenset[str], what: str, where: _Where) -> None:
    missing = sorted(required - set(table))
    extra = sorted(set(table) - required - optional, key=lambda k: where.lines.get(k, 0))
    if missing:
        import difflib

        for key in extra:  # a misspelt key: say so where it is
            close = difflib.get_close_matches(key, missing, n=1, cutoff=0.6)
            if close:
                raise where.error(f"{what} has unknown key {key}; did you mean {close[0]!r}?", key)
        wanted = "; ".join(f"{k} = {_MEANING[k]}" if k in _MEANING else k for k in missing)
        raise where.error(f"{what} is missing {', '.join(missing)} ({wanted}; see {_DOC})")
    if extra:
        raise where.error(
            f"{what} has unknown key(s) {', '.join(extra)}" + suggest(extra[0], sorted(required | optional)),
            extra[0],
        )


def _str(table: dict, key: str, what: str, where: _Where) -> str:
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise where.error(f"{what}: '{key}' must be a non-empty string, not {_kind(value)}", key)
    return value


def _optional_str(table: dict, key: str, what: str, where: _Where) -> str | None:
    if key not in table:
        return None
    return _str(table, key, what, where)


def _kind(value: object) -> str:
    if isinstance(value, str):
        return "an empty string" if not value.strip() else f"the string {value!r}"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time" if isinstance(value, _dt.date | _dt.time) else type(value).__name__


def _id(table: dict, what: str, where: _Where) -> str:
    value = _str(table, "id", what, where)
    if not _ID.match(value):
        raise where.error(
            f"{what}: id {value!r} must start with an ASCII letter and use only ASCII letters, digits, - and _"
            " (it becomes part of an IRI; the label may hold any character)",
            "id",
        )
    return value


def _quotes(table: dict, what: str, where: _Where) -> tuple[str, ...]:
    value = table["evidence"]
    quotes = [value] if isinstance(value, str) else value
    if not isinstance(quotes, list) or not quotes or not all(isinstance(q, str) and q.strip() for q in quotes):
        raise where.error(f"{what}: 'evidence' must be a quote or a non-empty list of quotes", "evidence")
    return tuple(quotes)


_URL = re.compile(r"https?://[^\s<>\"{}|\\^`\x00-\x1f\x7f]+", re.I)
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")
_NAMESPACE = re.compile(r"https?://[^\s<>\"{}|\\^`\x00-\x1f\x7f]+[/#]", re.I)


def check_article_fields(*, url: str | None = None, language: str | None = None) -> None:
    """Refuse a url or language tag that an [article] table would refuse."""
    if url is not None and not _URL.fullmatch(url):
        raise AigraphError(f"the url must be an absolute http(s) URL without spaces, not {url!r}")
    if language is not None and not _LANGUAGE.fullmatch(language):
        raise AigraphError(f"the language must be a BCP 47 tag such as en or en-GB, not {language!r}")


def _article(table: object, where: _Where) -> Article:
    if not isinstance(table, dict):
        raise AigraphError(
            "missing [article] table: a facts file starts with [article] and id = \"my-article\","
            " path = \"my-article.txt\" (relative to the facts file), title = \"...\""
            f" (aigraph init ARTICLE.txt writes one; see {_DOC})",
            path=where.path,
            line=where.line,
        )
    what = "[article]"
    _check_keys(table, *KEYS["article"], what, where)
    ontology = table.get("ontology", [])
    if isinstance(ontology, str):
        ontology = [ontology]
    if not isinstance(ontology, list) or not all(isinstance(o, str) and o.strip() for o in ontology):
        raise where.error(
            f"{what}: 'ontology' must be a list of Turtle files, such as [\"my-terms.ttl\"], not {_kind(ontology)}",
            "ontology",
        )
    namespace = _optional_str(table, "namespace", what, where)
    if namespace is not None and not _NAMESPACE.fullmatch(namespace):
        raise where.error(
            f"{what}: 'namespace' must be an absolute http(s) IRI ending in / or #,"
            f" such as \"https://example.org/kg/\", not {namespace!r}",
            "namespace",
        )
    if namespace is not None and namespace.startswith("https://w3id.org/aigraph/ontology"):
        raise where.error(f"{what}: 'namespace' must not be the aigraph ontology's namespace", "namespace")
    url, language = _optional_str(table, "url", what, where), _optional_str(table, "language", what, where)
    if url is not None and not _URL.fullmatch(url):
        raise where.error(f"{what}: 'url' must be an absolute http(s) URL without spaces, not {url!r}", "url")
    if language is not None and not _LANGUAGE.fullmatch(language):
        raise where.error(f"{what}: 'language' must be a BCP 47 tag such as en or en-GB, not {language!r}", "language")
    published = table.get("published")
    if published is not None and (not isinstance(published, _dt.date) or isinstance(published, _dt.datetime)):
        raise where.error(f"{what}: 'published' must be a date like 2023-12-05, not {_kind(published)}", "published")
    return Article(
        id=_id(table, what, where),
        path=(where.path.parent / _str(table, "path", what, where)),
        title=_str(table, "title", what, where),
        url=url,
        published=published,
        language=language,
        line=where.line or 1,
        lines=dict(where.lines),
        ontology=tuple(where.path.parent / o for o in ontology),
        namespace=namespace,
    )


def _entity(table: dict, where: _Where) -> Entity:
    what = "entity"
    _check_keys(table, *KEYS["entity"], what, where)
    aliases = table.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise where.error("entity: 'aliases' must be a list of non-empty strings", "aliases")
    return Entity(
        id=_id(table, what, where),
        label=_str(table, "label", what, where),
        cls=_str(table, "class", what, where),
        aliases=tuple(aliases),
        evidence=_quotes(table, what, where),
        line=where.line or 1,
        lines=dict(where.lines),
    )


def _fact(table: dict, where: _Where) -> Fact:
    what = "fact"
    _check_keys(table, *KEYS["fact"], what, where)
    if ("object" in table) == ("value" in table):
        raise where.error(
            "fact needs exactly one of 'object' (an entity id) or 'value' (a literal)",
            "value" if "value" in table else None,
        )
    value = table.get("value")
    if "value" in table and not isinstance(value, int | float | str | bool):
        raise where.error(f"fact: 'value' must be a string, number or boolean, not {_kind(value)}", "value")
    if isinstance(value, float) and not math.isfinite(value):
        raise where.error(f"fact: 'value' must be a finite number, not {value}", "value")
    if isinstance(value, str) and not value.strip():
        raise where.error("fact: 'value' must not be an empty string", "value")
    return Fact(
        id=_id(table, what, where),
        subject=_str(table, "subject", what, where),
        predicate=_str(table, "predicate", what, where),
        object=_str(table, "object", what, where) if "object" in table else None,
        value=value,
        evidence=_quotes(table, what, where),
        line=where.line or 1,
        lines=dict(where.lines),
    )
