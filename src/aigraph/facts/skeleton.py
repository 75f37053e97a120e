"""Facts-file skeletons: the text ``aigraph init`` writes for a new article.

The pieces are small functions so that other writers of facts files (such as
``aigraph draft``) produce the same ``[article]`` table and sentence comments:

>>> print(article_table("acme-deal", "acme-deal.txt", title="Acme buys Beta"))
[article]
id = "acme-deal"
path = "acme-deal.txt"
title = "Acme buys Beta"
<BLANKLINE>
>>> print(sentence_comments("Acme Inc. bought Beta. It paid cash."), end="")
#  1  Acme Inc. bought Beta.
#  2  It paid cash.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Sequence
from pathlib import Path

from ..errors import AigraphError
from ..sources.article import ArticleText, Sentence, split_sentences

FORMAT_DOC = "docs/facts-format.md"
"""Where the facts format is documented (in the aigraph repository)."""

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\b": "\\b", "\f": "\\f"}


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (double quotes; backslash, quote and controls escaped).

    >>> toml_string('say "hi"\\n')
    '"say \\\\"hi\\\\"\\\\n"'
    """
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    out = out.replace("\t", "\\t")  # TOML allows a raw tab, but a visible one reads better
    out = _CONTROL.sub(lambda m: _ESCAPES.get(m.group(0), f"\\u{ord(m.group(0)):04x}"), out)
    return f'"{out}"'


def article_id(path: str | Path) -> str:
    """An article id from a file name: ``Acme deal (2024).txt`` -> ``Acme-deal-2024``.

    Ids start with a letter and use letters, digits, ``-`` and ``_`` (as facts files require).

    >>> article_id("sources/acme-deal.txt"), article_id("2024 news.txt"), article_id("---.txt")
    ('acme-deal', 'article-2024-news', 'article')
    """
    stem = Path(path).name.split(".")[0] if not Path(path).name.startswith(".") else Path(path).stem
    ident = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")
    if not ident:
        return "article"
    return ident if ident[0].isalpha() else f"article-{ident}"


def default_output(article: str | Path) -> Path:
    """Where ``aigraph init`` writes by default: ``<id>.facts.toml`` beside the article."""
    article = Path(article)
    return article.parent / f"{article_id(article)}.facts.toml"


def article_table(
    id: str,
    path: str,
    *,
    title: str | None = None,
    url: str | None = None,
    published: _dt.date | str | None = None,
    language: str | None = None,
    ontology: Sequence[str] = (),
    namespace: str | None = None,
    hints: bool = False,
) -> str:
    """The ``[article]`` table of a facts file, as TOML text ending in a blank line.

    ``id`` names the graph and its IRIs; ``path`` is the article's path relative
    to the facts file. ``title`` defaults to ``id``. With ``hints``, the optional
    keys left out are written as commented examples, each with what it does.
    """
    lines = [
        "[article]",
        f"id = {toml_string(id)}",
        f"path = {toml_string(path)}",
        f"title = {toml_string(title if title else id)}",
    ]
    if url:
        lines.append(f"url = {toml_string(url)}")
    elif hints:
        lines.append('# url = "https://example.org/news/the-article"     # where it was published')
    if published:
        day = published.isoformat() if isinstance(published, _dt.date) else published
        lines.append(f"published = {day}")
    elif hints:
        lines.append("# published = 2024-01-31                           # a date, without quotes")
    if language:
        lines.append(f"language = {toml_string(language)}")
    elif hints:
        lines.append('# language = "en"                                  # a BCP 47 tag')
    if ontology:
        lines.append("ontology = [" + ", ".join(toml_string(o) for o in ontology) + "]")
    elif hints:
        lines.append('# ontology = ["my-terms.ttl"]                      # your own classes and relations')
    if namespace:
        lines.append(f"namespace = {toml_string(namespace)}")
    elif hints:
        lines.append('# namespace = "https://example.org/kg/"            # IRIs for this article (default kg:)')
    return "\n".join(lines) + "\n"


def _comment_text(text: str) -> str:
    """Text that a TOML comment can hold (no control characters)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def sentence_comments(text_or_sentences: str | Sequence[str] | Sequence[Sentence]) -> str:
    """The article's sentences as numbered TOML comments, one line each (``#  3  text``).

    ``text_or_sentences`` is the article's text (split as the builder splits it),
    or its sentences already split (strings, or :class:`aigraph.sources.article.Sentence`).
    Numbers are the builder's 1-based sentence indexes; the result ends with a newline
    (empty string for no sentences).
    """
    if isinstance(text_or_sentences, str):
        texts = split_sentences(text_or_sentences)
    else:
        texts = [s.text if isinstance(s, Sentence) else s for s in text_or_sentences]
    width = len(str(len(texts)))
    return "".join(f"# {str(i).rjust(max(width, 2))}  {_comment_text(t)}\n" for i, t in enumerate(texts, 1))


def examples() -> str:
    """Commented examples of an ``[[entity]]`` and a ``[[fact]]``, with what each key means."""
    from ..namespaces import AIG
    from ..ontology import load_ontology

    onto = load_ontology()
    provenance = {AIG + "Fact", AIG + "Sentence", AIG + "Article"}
    classes = sorted(t.iri[len(AIG) :] for t in onto.classes if t.iri.startswith(AIG) and t.iri not in provenance)
    props = sorted(
        (t for t in onto.properties if t.iri.startswith(AIG) and t.domain and t.domain not in provenance),
        key=lambda t: t.iri,
    )

    def short(iri: str | None) -> str:
        return (iri or "?").rsplit("#", 1)[-1]

    out = [
        "# Declare each thing the article names once, as an [[entity]]. Uncomment and edit:",
        "#",
        "# [[entity]]",
        '# id = "Acme"                  # letters, digits, - and _; becomes the IRI kg:Acme',
        '# label = "Acme Corp."         # its name',
        '# class = "Company"            # a class (list below), or ex:Name from your own ontology',
        '# aliases = ["Acme"]           # optional: other names the article uses',
        '# evidence = "Acme Corp., a maker of widgets"   # words copied from the article',
        "#",
        "# Then one [[fact]] per relation the article states:",
        "#",
        "# [[fact]]",
        '# id = "acme-member-of-widget-forum"   # unique among facts',
        '# subject = "Acme"                     # an entity id',
        '# predicate = "memberOf"               # a property (list below), or ex:name',
        '# object = "WidgetForum"               # an entity id; or value = 45 for a number or text',
        '# evidence = "Acme Corp. joined the Widget Forum"   # a quote, or a list of quotes',
        "#",
        "# Every quote must be copied from the sentences above (spaces may differ), found in",
        "# one place only, and cover at most two sentences. Full reference: " + FORMAT_DOC,
        "#",
        "# Classes: " + ", ".join(classes),
        "# Properties (subject class -> object class):",
    ]
    out += [f"#   {short(t.iri)}: {short(t.domain)} -> {short(t.range)}" for t in props]
    return "\n".join(out) + "\n"


def skeleton(
    article: ArticleText,
    article_path: str,
    *,
    id: str,
    title: str | None = None,
    url: str | None = None,
    published: _dt.date | str | None = None,
    language: str | None = None,
) -> str:
    """The whole facts-file skeleton for ``article`` (read from ``article_path``, relative to it)."""
    head = (
        f"# Facts drawn from {_comment_text(article_path)}, for `aigraph build --facts THIS-FILE`.\n"
        f"# The format: {FORMAT_DOC} in the aigraph repository.\n\n"
    )
    sentences = (
        "\n# The article's sentences, numbered as aigraph splits them. Evidence quotes are\n"
        "# matched against these (whitespace aside); a quote may run into the next one.\n#\n"
        + sentence_comments(article.sentences)
    )
    table = article_table(
        id, article_path, title=title, url=url, published=published, language=language, hints=True
    )
    return head + table + sentences + "\n" + examples()


def _guess_title(text: str) -> str | None:
    """A headline: a short first line without a full stop, followed by more text."""
    first, _, rest = text.strip().partition("\n")
    first = " ".join(first.split())
    if rest.strip() and 0 < len(first) <= 150 and not first.endswith((".", "!", "?", ":", ",", ";")):
        return first
    return None


def init(
    article: str | Path,
    output: str | Path | None = None,
    *,
    title: str | None = None,
    url: str | None = None,
    published: _dt.date | str | None = None,
    language: str | None = None,
) -> tuple[Path | str, int]:
    """Write a facts-file skeleton for ``article``; return where, and how many sentences.

    ``output`` defaults to ``<id>.facts.toml`` beside the article (``-`` is stdout).
    An existing file is never overwritten. The title defaults to the article's first
    line when it reads as a headline, else to the id.
    """
    from ..files import check_input, write_bytes
    from .reader import check_article_fields

    article = Path(article)
    check_input(article, "a text file")
    text = ArticleText.read(article)
    if not text.sentences:
        raise AigraphError("the article is empty: there is no sentence to draw facts from", path=article)
    target: Path | str = default_output(article) if output is None else output
    if str(target) != "-":
        target = Path(target)
        if target.exists() or target.is_symlink():
            raise AigraphError(
                "already exists; aigraph init never overwrites a file (give another -o, or remove it)",
                path=target,
            )
        where = target.resolve().parent
    else:
        where = Path.cwd()
    if isinstance(published, str):
        try:
            published = _dt.date.fromisoformat(published)
        except ValueError:
            raise AigraphError(f"--published must be a date like 2024-01-31, not {published!r}") from None
    check_article_fields(url=url, language=language)
    rel = Path(os.path.relpath(article.resolve(), where)).as_posix()
    ident = article_id(article)
    body = skeleton(
        text,
        rel,
        id=ident,
        title=title or _guess_title(text.text),
        url=url,
        published=published,
        language=language,
    )
    write_bytes(target, body.encode("utf-8"))
    return target, len(text.sentences)
