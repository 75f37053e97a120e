"""Bad input gets one clear line on stderr and loses nothing.

Every case of ``tests/bad_inputs/cases.toml`` runs through every command that
reads its kind of file (``validate``, ``export``, ``query``, ``view`` for RDF;
``build`` for facts; ``query`` for SPARQL). Each run must exit non-zero, print
exactly one line on stderr that names the file (and the 1-based line where
there is one), print no traceback and leave the output alone: an existing
``-o`` file keeps its bytes and a new ``-o`` path (in a folder that does not
exist yet) never appears. Hostile but valid input (deep nesting, a 5,000-digit
integer, a 50 MB literal) must work or fail the same clean way.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aigraph.cli import cli

from .conftest import ROOT
from .reporting import Tally, announce

HERE = Path(__file__).parent / "bad_inputs"
CASES = tomllib.loads((HERE / "cases.toml").read_text(encoding="utf-8"))["case"]
QUERY = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
PREVIOUS = b"previous output: must survive a failed run\n"

# command -> (argument list for an input and an output path, output extension)
Make = Callable[[str, str | None], list[str]]
COMMANDS: dict[str, dict[str, tuple[Make, str | None]]] = {
    "rdf": {
        "validate": (lambda f, out: ["validate", f], None),
        "export": (lambda f, out: ["export", "--data", f, "-f", "ntriples", "-o", str(out)], ".nt"),
        "query": (lambda f, out: ["query", "--data", f, QUERY, "-f", "tsv", "-o", str(out)], ".tsv"),
        "query --infer": (lambda f, out: ["query", "--data", f, "ASK { ?s ?p ?o }", "--infer", "-o", str(out)], ".srj"),
        "view": (lambda f, out: ["view", "--data", f, "--no-open", "-o", str(out)], ".html"),
    },
    "facts": {"build": (lambda f, out: ["build", "--facts", f, "-o", str(out)], ".ttl")},
    "sparql": {"query": (lambda f, out: ["query", f, "-f", "tsv", "-o", str(out)], ".tsv")},
    "article": {"draft": (lambda f, out: ["draft", f, "-o", str(out)], ".toml")},
}
# With good input, the -o path is the bad part.
OUTPUT_COMMANDS: dict[str, tuple[Make, str]] = {
    "build": (lambda _f, out: ["build", "-o", str(out)], ".ttl"),
    "export": (lambda _f, out: ["export", "-f", "ntriples", "-o", str(out)], ".nt"),
    "query": (lambda _f, out: ["query", QUERY, "-f", "tsv", "-o", str(out)], ".tsv"),
    "view": (lambda _f, out: ["view", "--no-open", "-o", str(out)], ".html"),
}
OUTPUT_CASES = {
    # Tests run as root in CI: permissions stop nothing, a file in the way does.
    "under-a-file": ("an -o path whose folder is a regular file", "is a file, not a folder"),
    "a-directory": ("an -o path that is an existing directory", "is a directory"),
    "in-proc": ("an -o path in a folder that cannot be created (/proc)", "cannot write"),
    "a-symlink-loop": ("an -o path that is a symbolic link to itself", "symbolic link"),
}

TALLY = Tally("bad inputs handled")


def available(command: str) -> bool:
    return command.split()[0] in cli.commands  # type: ignore[attr-defined]


def runner() -> CliRunner:
    try:  # click < 8.2 mixes stderr into output unless told not to
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


def invoke(args: list[str]) -> Result:
    """Run the CLI in-process; log records reach its stderr as they would a terminal's.

    pytest captures logging, so without this a library that logs a traceback
    (rdflib does) would pass unseen here and still print it for users.
    """
    handler = logging.StreamHandler(_CurrentStderr())
    handler.setLevel(logging.WARNING)
    logging.getLogger().addHandler(handler)
    try:
        return runner().invoke(cli, args)
    finally:
        logging.getLogger().removeHandler(handler)


class _CurrentStderr:
    def write(self, text: str) -> None:
        sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


@pytest.fixture(scope="module", autouse=True)
def _announce(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    announce(request.config, TALLY.line())


@dataclass
class Expect:
    shown: str  # the path the message must name
    line: int | list[int] | None
    fragments: list[str]


def check_refusal(result: Result, expect: Expect) -> str:
    """One clean error line naming the file (and line); returns the line."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {type(result.exception).__name__}: {result.exception}"
    )
    assert result.exit_code not in (0, 70), (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {lines!r}"
    err = lines[0]
    assert result.stdout == "", f"nothing on stdout for a refusal, got {result.stdout[:200]!r}"
    prefix = f"aigraph: error: {expect.shown}"
    assert err.startswith(prefix), f"{err!r} does not start with {prefix!r}"
    rest = err[len(prefix) :]
    m = re.match(r":(\d+): ", rest)
    if expect.line is None:
        assert rest.startswith(": ") and not m, f"expected no line number: {err!r}"
    else:
        assert m, f"expected a line number: {err!r}"
        allowed = expect.line if isinstance(expect.line, list) else [expect.line]
        assert int(m.group(1)) in allowed, f"line {m.group(1)} not in {allowed}: {err!r}"
    for fragment in expect.fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"
    return err


def run_guarded(command: str, make: Make, ext: str | None, source: str, expect: Expect, tmp: Path) -> None:
    """Run a command with -o at an existing file and at a new path; neither may change."""
    if ext is None:
        with in_empty_folder(tmp / "cwd-none"):
            check_refusal(invoke(make(source, None)), expect)
        return
    existing = tmp / f"existing-{command}{ext}"
    existing.write_bytes(PREVIOUS)
    fresh_folder = tmp / f"fresh-{command}"
    for target in (existing, fresh_folder / f"out{ext}"):
        before = sorted(p.name for p in tmp.iterdir())
        with in_empty_folder(tmp / f"cwd-{command}"):
            check_refusal(invoke(make(source, str(target))), expect)
        assert existing.read_bytes() == PREVIOUS, "the existing output file was changed"
        assert not fresh_folder.exists(), "a new output (or its folder) appeared"
        assert sorted(p.name for p in tmp.iterdir()) == before, "stray files were left beside the output"


@contextmanager
def in_empty_folder(folder: Path) -> Iterator[None]:
    """Run in an empty working folder and check that nothing was written there."""
    folder.mkdir(exist_ok=True)
    old = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)
    left = sorted(p.name for p in folder.iterdir())
    assert not left, f"the command wrote into the working folder: {left}"
    folder.rmdir()


def _case_id(case: dict) -> str:
    return case["file"].split("/", 1)[-1]


def _params() -> list:
    params = []
    for case in CASES:
        if case.get("builds"):  # valid input: test_valid_but_odd_facts
            continue
        for command in COMMANDS[case["kind"]]:
            marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if "xfail" in case else []
            params.append(pytest.param(case, command, id=f"{command}:{_case_id(case)}", marks=marks))
    return params


@pytest.mark.parametrize(("case", "command"), _params())
def test_bad_input(case: dict, command: str, tmp_path: Path) -> None:
    if not available(command):
        pytest.fail(f"aigraph {command} does not exist yet")
    with TALLY.case(case["file"]):
        source = HERE / case["file"]
        if case.get("make") == "missing":
            source = tmp_path / Path(case["file"]).name
        elif case.get("make") == "symlink-loop":
            source = tmp_path / Path(case["file"]).name
            other = tmp_path / f"other-{source.name}"
            source.symlink_to(other)
            other.symlink_to(source)
        elif case.get("make") == "fifo":  # a pipe nobody writes to: reading it would wait for ever
            source = tmp_path / Path(case["file"]).name
            os.mkfifo(source)
        elif case.get("make") == "device":  # a link to /dev/zero, which never ends
            source = tmp_path / Path(case["file"]).name
            source.symlink_to("/dev/zero")
        elif case.get("make") == "directory":
            source = tmp_path / Path(case["file"]).name
            source.mkdir()
            (source / "inside.ttl").write_text("# a folder is not a file\n")
        elif case.get("make") == "beside":
            source = _beside(case, tmp_path)
        else:
            assert source.is_file(), f"the catalogue lacks {source}"
        if "xfail" in case:
            TALLY.notes.append(f"expected failure: {case['file']}")
        fragments = case["message"] if isinstance(case["message"], list) else [case["message"]]
        shown = source.parent / case["shown"] if "shown" in case else source
        expect = Expect(str(shown), case.get("line"), fragments)
        out = tmp_path / "out"
        out.mkdir()
        make, ext = COMMANDS[case["kind"]][command]
        run_guarded(command, make, ext, str(source), expect, out)


@pytest.mark.parametrize("command", sorted(OUTPUT_COMMANDS))
@pytest.mark.parametrize("situation", sorted(OUTPUT_CASES))
def test_unwritable_output(situation: str, command: str, tmp_path: Path) -> None:
    if not available(command):
        pytest.fail(f"aigraph {command} does not exist yet")
    with TALLY.case(f"output:{situation}"):
        make, ext = OUTPUT_COMMANDS[command]
        about, fragment = OUTPUT_CASES[situation]
        if situation == "under-a-file":
            blocker = tmp_path / "not-a-folder.txt"
            blocker.write_bytes(PREVIOUS)
            target = blocker / "sub" / f"out{ext}"
        elif situation == "a-directory":
            target = tmp_path / f"folder{ext}"
            target.mkdir()
        elif situation == "a-symlink-loop":
            target = tmp_path / f"loop{ext}"
            target.symlink_to(target)
        else:
            target = Path("/proc") / "aigraph-no-such-folder" / f"out{ext}"
        before = sorted(p.name for p in tmp_path.iterdir())
        with in_empty_folder(tmp_path / "cwd"):
            result = invoke(make("", str(target)))
        check_refusal(result, Expect(str(target), None, [fragment]))
        assert sorted(p.name for p in tmp_path.iterdir()) == before
        if situation == "under-a-file":
            assert (tmp_path / "not-a-folder.txt").read_bytes() == PREVIOUS
        if situation == "a-directory":
            assert list(target.iterdir()) == []


def _beside(case: dict, tmp: Path) -> Path:
    """The case's facts file in tmp/inner/ (the article beside it and one folder up), with a link
    or a file beside it (see cases.toml)."""
    inner = tmp / "inner"
    inner.mkdir()
    article = (HERE / "facts" / "ai-alliance-article.txt").read_bytes()
    (tmp / "ai-alliance-article.txt").write_bytes(article)
    (inner / "ai-alliance-article.txt").write_bytes(article)  # for cases about another file it names
    source = inner / Path(case["file"]).name
    source.write_bytes((HERE / case["file"]).read_bytes())
    if "link" in case:
        (inner / case["link"]).symlink_to(case["target"])
    elif "size" in case:
        with (inner / case["name"]).open("wb") as f:
            f.truncate(case["size"])
    else:
        data = bytes.fromhex(case["hex"]) if "hex" in case else case["text"].encode("utf-8") * case.get("repeat", 1)
        (inner / case["name"]).write_bytes(data)
    return source


BUILDS = [c for c in CASES if c.get("builds")]


@pytest.mark.parametrize("case", BUILDS, ids=[_case_id(c) for c in BUILDS])
def test_valid_but_odd_facts(case: dict, tmp_path: Path) -> None:
    """Hostile but valid facts build, and the Turtle written reads back as the very triples built."""
    import pyoxigraph as ox
    import rdflib
    from rdflib.compare import isomorphic

    from aigraph.graph.build import build_graph
    from aigraph.graph.validate import to_rdflib

    with TALLY.case(case["file"]):
        source = HERE / case["file"]
        out = tmp_path / "out.ttl"
        with in_empty_folder(tmp_path / "cwd"):
            result = invoke(["build", "--facts", str(source), "-o", str(out)])
        assert result.exit_code == 0, result.stderr
        assert result.stderr.startswith(f"Wrote {out} ")
        built = set(build_graph(source))
        data = out.read_bytes()
        assert {q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE)} == built
        assert isomorphic(rdflib.Graph().parse(data=data, format="turtle"), to_rdflib(list(built)))


# A few through a real process: no traceback may reach the terminal.
SUBPROCESS = [
    ("rdf/w3c-turtle-syntax-bad-uri-01.ttl", "validate"),
    ("rdf/png-image.ttl", "export"),
    ("rdf/external-entity.rdf", "query"),
    ("rdf/remote-context.jsonld", "view"),
    ("rdf/entity-expansion-bomb.rdf", "validate"),
    ("facts/value-wrong-datatype.facts.toml", "build"),
    ("facts/bad-toml-unclosed-string.facts.toml", "build"),
    ("sparql/missing-brace.rq", "query"),
]


@pytest.mark.parametrize(("file", "command"), SUBPROCESS, ids=[f"{c}:{f}" for f, c in SUBPROCESS])
def test_real_process_prints_no_traceback(file: str, command: str, tmp_path: Path) -> None:
    if not available(command):
        pytest.fail(f"aigraph {command} does not exist yet")
    case = next(c for c in CASES if c["file"] == file)
    make, ext = COMMANDS[case["kind"]][command]
    out = tmp_path / f"out{ext}" if ext else None
    run = subprocess.run(
        [sys.executable, "-m", "aigraph", *make(str(HERE / file), str(out) if out else None)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "AIGRAPH_DEBUG"},
        timeout=120,
    )
    assert run.returncode not in (0, 70), run
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"aigraph: error: {HERE / file}"), lines
    assert run.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# ------------------------------------------------------------------ hostile but valid

P = "@prefix ex: <http://example.org/> .\n"
DEPTH = 1000
BIG = 50 * 1024 * 1024


def _deep_list() -> bytes:
    return (P + "ex:s ex:p " + "( " * DEPTH + '"bottom"' + " )" * DEPTH + " .\n").encode()


def _deep_bnodes() -> bytes:
    return (P + "ex:s ex:p " + "[ ex:q " * DEPTH + '"bottom"' + " ]" * DEPTH + " .\n").encode()


def _deep_jsonld(depth: int = DEPTH) -> bytes:
    inner = '"bottom"'
    for _ in range(depth):
        inner = '{"http://example.org/q": ' + inner + "}"
    return ('{"@id": "http://example.org/s", "http://example.org/p": ' + inner + "}\n").encode()


def _big_literal_xml() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns:ex="http://example.org/">\n<rdf:Description rdf:about="http://example.org/s">\n<ex:p>'
        + b"a" * BIG
        + b"</ex:p>\n</rdf:Description>\n</rdf:RDF>\n"
    )


# name -> (file name, content, expected N-Triples size check or refusal fragment, line)
HOSTILE: dict[str, tuple[str, Callable[[], bytes], str | None, int | None]] = {
    "collections nested 1,000 deep": ("deep-list.ttl", _deep_list, None, None),
    "blank-node property lists nested 1,000 deep": ("deep-bnodes.ttl", _deep_bnodes, None, None),
    "JSON-LD objects nested 1,000 deep": ("deep.jsonld", _deep_jsonld, None, None),
    # Oxigraph's JSON-LD reader overflows its stack (the process dies) at about 3,500 levels.
    "JSON-LD objects nested 5,000 deep": ("deeper.jsonld", lambda: _deep_jsonld(5000), "2,000 levels deep", 1),
    "a 5,000-digit integer": ("bigint.ttl", lambda: (P + "ex:s ex:p " + "7" * 5000 + " .\n").encode(), None, None),
    "a 5,000-digit decimal": ("bigdec.ttl", lambda: (P + "ex:s ex:p " + "7" * 5000 + ".5 .\n").encode(), None, None),
    "a 50 MB literal in RDF/XML": ("big.rdf", _big_literal_xml, None, None),
    "an ill-typed literal (\"abc\"^^xsd:integer, legal RDF)": (
        "ill-typed.ttl",
        lambda: (P + 'ex:s ex:p "abc"^^<http://www.w3.org/2001/XMLSchema#integer>, "bottom" .\n').encode(),
        None,
        None,
    ),
    "an ill-typed boolean (\"yes\"^^xsd:boolean: rdflib warns 'weird boolean')": (
        "ill-typed-boolean.ttl",
        lambda: (P + 'ex:s ex:p "yes"^^<http://www.w3.org/2001/XMLSchema#boolean>, "bottom" .\n').encode(),
        None,
        None,
    ),
    "an ill-typed date (\"2020-13-45\"^^xsd:date)": (
        "ill-typed-date.ttl",
        lambda: (P + 'ex:s ex:p "2020-13-45"^^<http://www.w3.org/2001/XMLSchema#date>, "bottom" .\n').encode(),
        None,
        None,
    ),
    "a literal holding NUL, an escape sequence and U+202E": (
        "controls.ttl",
        lambda: (P + 'ex:s ex:p "\\u0000\\u001b[2J\\u202e", "bottom" .\n').encode(),
        None,
        None,
    ),
    "Turtle starting with a UTF-8 byte order mark": (
        "bom.ttl",
        lambda: b"\xef\xbb\xbf" + (P + 'ex:s ex:p "bottom" .\n').encode(),
        None,
        None,
    ),
    "a 50 MB literal in Turtle": (
        "big.ttl",
        lambda: (P + 'ex:s ex:p "' + "a" * BIG + '" .\n').encode(),
        "longer than 16 MiB",
        2,
    ),
}


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    files = {}
    for name, (file, make, _, _) in HOSTILE.items():
        files[name] = folder / file
        files[name].write_bytes(make())
    return files


def _expected_triples(path: Path) -> int:
    from aigraph.rdfio import read_rdf

    return len(read_rdf(path))




def _hostile_params() -> list:
    return [
        pytest.param(
            name,
            command,
            id=f"{command}:{name}",
        )
        for name in HOSTILE
        for command in sorted(COMMANDS["rdf"])
    ]


@pytest.mark.parametrize(("name", "command"), _hostile_params())
def test_hostile_but_valid(name: str, command: str, hostile_files: dict[str, Path], tmp_path: Path) -> None:
    if not available(command):
        pytest.fail(f"aigraph {command} does not exist yet")
    with TALLY.case(f"hostile:{name}"):
        source = hostile_files[name]
        _, _, refusal, line = HOSTILE[name]
        make, ext = COMMANDS["rdf"][command]
        if refusal:
            run_guarded(command, make, ext, str(source), Expect(str(source), line, [refusal]), tmp_path)
            return
        out = tmp_path / f"out{ext}" if ext else None
        # A real process: what a forked query child or a library's logger prints shows up here.
        (tmp_path / "cwd").mkdir()
        result = subprocess.run(
            [sys.executable, "-m", "aigraph", *make(str(source), str(out) if out else None)],
            capture_output=True,
            text=True,
            cwd=tmp_path / "cwd",
            env={k: v for k, v in os.environ.items() if k != "AIGRAPH_DEBUG"},
            timeout=300,
        )
        # validate reports on the data (plain RDF states no aig:Fact, so it does not conform: exit 1)
        assert result.returncode == (1 if command == "validate" else 0), result.stderr
        assert "Traceback" not in result.stderr and "Failed to convert" not in result.stderr, result.stderr[:500]
        assert "Warning" not in result.stderr, result.stderr[:500]  # rdflib's warnings never reach the user raw
        assert list((tmp_path / "cwd").iterdir()) == []
        if command == "validate":
            assert result.stdout.startswith("Does not conform:"), result.stdout[:500]
            assert "no aig:Fact with evidence states this triple" in result.stdout, result.stdout[:500]
            # The report shows the data's values: escaped, and cut short (a 5,000-digit number).
            assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", result.stdout), result.stdout[:500]
            assert max(len(line) for line in result.stdout.splitlines()) <= 1000
            if "ill-typed" in name:  # a finding, with the file and line
                lexical = name.split('"')[1]
                assert f"ill-typed literal: {lexical!r} is not a valid xsd:" in result.stdout
                assert f"({source}:2)" in result.stdout, result.stdout[:800]
        elif command == "query --infer":
            assert out is not None and b"true" in out.read_bytes()
        elif command == "export":
            import pyoxigraph as ox

            assert out is not None
            data = out.read_bytes()
            if "50 MB" in name:  # more than any N-Triples reader here takes in one term
                assert data == b'<http://example.org/s> <http://example.org/p> "' + b"a" * BIG + b'" .\n'
                return
            got = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
            assert len(got) == _expected_triples(source)
            literals = [q.object.value for q in got if isinstance(q.object, ox.Literal)]
            assert "7" * 5000 in "".join(literals) if "5,000" in name else "bottom" in literals
        else:
            assert out is not None and out.stat().st_size > 0


def test_the_catalogue_is_big_enough() -> None:
    kinds = {k: sum(c["kind"] == k for c in CASES) for k in COMMANDS}
    assert len(CASES) >= 40 and kinds["rdf"] >= 30 and kinds["facts"] >= 15 and kinds["sparql"] >= 8, kinds
    w3c = [c for c in CASES if c["file"].startswith("rdf/w3c-")]
    assert len(w3c) >= 10
    files = {c["file"] for c in CASES}
    support = {"cases.toml", "ai-alliance-article.txt"}  # the article the facts cases quote
    on_disk = {str(p.relative_to(HERE)) for p in HERE.rglob("*") if p.is_file() and p.name not in support}
    assert on_disk <= files, f"files not in cases.toml: {sorted(on_disk - files)}"


def test_rdflib_accepts_the_w3c_negative_tests_that_aigraph_refuses() -> None:
    """The W3C cases are ones a lax parser would let through: prove it for rdflib."""
    import logging
    import warnings

    import rdflib

    accepted = []
    logging.getLogger("rdflib").disabled = True
    try:
        for case in CASES:
            if case["file"].startswith("rdf/w3c-"):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    try:
                        rdflib.Graph().parse(HERE / case["file"], format="turtle")
                        accepted.append(case["file"])
                    except Exception:  # noqa: BLE001 - any refusal is fine here
                        pass
    finally:
        logging.getLogger("rdflib").disabled = False
    w3c = [c["file"] for c in CASES if c["file"].startswith("rdf/w3c-")]
    assert accepted == w3c, sorted(set(w3c) - set(accepted))


def test_repository_root_untouched() -> None:
    # The catalogue runs never write next to the sources.
    assert not list(HERE.glob("**/*.tmp")) and not list((ROOT / "graphs").glob(".*.tmp"))


@pytest.mark.parametrize(
    "name", ["o\n.nt", "o\x1b[2J.nt", "o\r.nt", "o\u202e.nt"], ids=["newline", "escape", "cr", "rlo"]
)
def test_status_lines_escape_the_paths_they_show(name: str, tmp_path: Path) -> None:
    """A "Wrote PATH" line is one line without terminal codes, whatever the path holds (errors already were)."""
    out = tmp_path / name
    with in_empty_folder(tmp_path / "cwd"):
        result = invoke(["export", "-f", "ntriples", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Wrote "), lines
    assert not re.search("[\x00-\x1f\x7f-\x9f\u202e]", lines[0]), lines
    assert out.read_bytes()  # written where asked, under its real name
