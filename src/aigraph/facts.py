"""Read a facts file (TOML): the article's metadata, entities and facts.

Every record keeps the 1-based line it starts on, so that later checks
(quotes, ontology terms) can name the file and line of a mistake.
"""

from __future__ import annotations

import datetime as _dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import AigraphError

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Article:
    id: str
    path: Path
    title: str
    url: str | None
    published: _dt.date | None
    language: str | None
    line: int


@dataclass(frozen=True)
class Entity:
    id: str
    label: str
    cls: str
    aliases: tuple[str, ...]
    evidence: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Fact:
    id: str
    subject: str
    predicate: str
    object: str | None
    value: int | float | str | bool | None
    evidence: tuple[str, ...]
    line: int


@dataclass
class FactsFile:
    path: Path
    article: Article
    entities: dict[str, Entity] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)


def _table_lines(text: str, header: str) -> list[int]:
    """1-based line numbers of each ``[[header]]`` or ``[header]`` line."""
    pattern = re.compile(r"^\s*\[\[?\s*" + re.escape(header) + r"\s*\]\]?\s*(#.*)?$")
    return [n for n, line in enumerate(text.splitlines(), 1) if pattern.match(line)]


def read_facts(path: str | Path) -> FactsFile:
    """Parse and check the shape of a facts file; raise AigraphError on any mistake."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise AigraphError("no such file", path=path) from None
    except IsADirectoryError:
        raise AigraphError("is a directory, not a facts file", path=path) from None
    except OSError as exc:
        raise AigraphError(f"cannot read: {exc.strerror}", path=path) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise AigraphError("not valid UTF-8", path=path, line=line) from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        msg = re.sub(r"\s*\(at line.*\)$", "", str(exc)) or "invalid TOML"
        if m:
            raise AigraphError(
                f"invalid TOML: {msg} (column {m.group(2)})", path=path, line=int(m.group(1))
            ) from None
        raise AigraphError(f"invalid TOML: {msg}", path=path) from None

    unknown = set(doc) - {"article", "entity", "fact"}
    if unknown:
        raise AigraphError(f"unknown top-level key(s): {', '.join(sorted(unknown))}", path=path)
    art_lines = _table_lines(text, "article")
    article = _article(doc.get("article"), path, art_lines[0] if art_lines else None)
    out = FactsFile(path=path, article=article)

    ent_lines = _table_lines(text, "entity")
    for i, table in enumerate(_tables(doc, "entity", path)):
        ent_line = ent_lines[i] if i < len(ent_lines) else None
        ent = _entity(table, path, ent_line)
        if ent.id in out.entities:
            first = out.entities[ent.id].line
            raise AigraphError(
                f"duplicate entity id {ent.id!r} (first declared on line {first})",
                path=path,
                line=ent_line,
            )
        out.entities[ent.id] = ent

    fact_lines = _table_lines(text, "fact")
    seen: dict[str, int | None] = {}
    for i, table in enumerate(_tables(doc, "fact", path)):
        fact_line = fact_lines[i] if i < len(fact_lines) else None
        fact = _fact(table, path, fact_line)
        if fact.id in seen:
            raise AigraphError(
                f"duplicate fact id {fact.id!r} (first used on line {seen[fact.id]})",
                path=path,
                line=fact_line,
            )
        seen[fact.id] = fact_line
        out.facts.append(fact)
    return out


def _tables(doc: dict, key: str, path: Path) -> list[dict]:
    value = doc.get(key, [])
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise AigraphError(f"'{key}' must be written as [[{key}]] tables", path=path)
    return value


def _check_keys(
    table: dict, required: set[str], optional: set[str], what: str, path: Path, line: int | None
) -> None:
    missing = required - set(table)
    if missing:
        raise AigraphError(f"{what} is missing {', '.join(sorted(missing))}", path=path, line=line)
    extra = set(table) - required - optional
    if extra:
        raise AigraphError(
            f"{what} has unknown key(s) {', '.join(sorted(extra))}", path=path, line=line
        )


def _str(table: dict, key: str, what: str, path: Path, line: int | None) -> str:
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise AigraphError(f"{what}: '{key}' must be a non-empty string", path=path, line=line)
    return value


def _id(table: dict, what: str, path: Path, line: int | None) -> str:
    value = _str(table, "id", what, path, line)
    if not _ID.match(value):
        raise AigraphError(
            f"{what}: id {value!r} must start with a letter and use only letters, digits, - and _",
            path=path,
            line=line,
        )
    return value


def _quotes(table: dict, what: str, path: Path, line: int | None) -> tuple[str, ...]:
    value = table["evidence"]
    quotes = [value] if isinstance(value, str) else value
    if (
        not isinstance(quotes, list)
        or not quotes
        or not all(isinstance(q, str) and q.strip() for q in quotes)
    ):
        raise AigraphError(
            f"{what}: 'evidence' must be a quote or a non-empty list of quotes",
            path=path,
            line=line,
        )
    return tuple(quotes)


def _article(table: object, path: Path, line: int | None) -> Article:
    if not isinstance(table, dict):
        raise AigraphError("missing [article] table (id, path, title)", path=path)
    what = "[article]"
    _check_keys(table, {"id", "path", "title"}, {"url", "published", "language"}, what, path, line)
    published = table.get("published")
    if published is not None and not isinstance(published, _dt.date):
        raise AigraphError(
            f"{what}: 'published' must be a date like 2023-12-05", path=path, line=line
        )
    return Article(
        id=_id(table, what, path, line),
        path=(path.parent / _str(table, "path", what, path, line)),
        title=_str(table, "title", what, path, line),
        url=table.get("url"),
        published=published,
        language=table.get("language"),
        line=line or 1,
    )


def _entity(table: dict, path: Path, line: int | None) -> Entity:
    what = "entity"
    _check_keys(table, {"id", "label", "class", "evidence"}, {"aliases"}, what, path, line)
    aliases = table.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        raise AigraphError("entity: 'aliases' must be a list of strings", path=path, line=line)
    return Entity(
        id=_id(table, what, path, line),
        label=_str(table, "label", what, path, line),
        cls=_str(table, "class", what, path, line),
        aliases=tuple(aliases),
        evidence=_quotes(table, what, path, line),
        line=line or 1,
    )


def _fact(table: dict, path: Path, line: int | None) -> Fact:
    what = "fact"
    _check_keys(
        table, {"id", "subject", "predicate", "evidence"}, {"object", "value"}, what, path, line
    )
    if ("object" in table) == ("value" in table):
        raise AigraphError(
            "fact needs exactly one of 'object' (an entity id) or 'value' (a literal)",
            path=path,
            line=line,
        )
    value = table.get("value")
    if "value" in table and not isinstance(value, int | float | str | bool):
        raise AigraphError(
            "fact: 'value' must be a string, number or boolean", path=path, line=line
        )
    return Fact(
        id=_id(table, what, path, line),
        subject=_str(table, "subject", what, path, line),
        predicate=_str(table, "predicate", what, path, line),
        object=_str(table, "object", what, path, line) if "object" in table else None,
        value=value,
        evidence=_quotes(table, what, path, line),
        line=line or 1,
    )
