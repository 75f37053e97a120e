"""The `aigraph` process and its streams: a closed or full stdout, a narrow locale, odd arguments.

Each case used to end in "internal error" (exit 70) with a Python exception;
each must now be one line on stderr and a plain exit code. They run as real
processes: a closed file descriptor or a locale cannot be faked in-process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HIDDEN = {"AIGRAPH_DEBUG", "PYTHONIOENCODING", "LC_ALL", "LC_CTYPE", "LANG"}


def aigraph(*args: str, cwd: Path, env: dict[str, str] | None = None, **kwargs: object) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in HIDDEN}
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "aigraph", *args],
        cwd=cwd,
        env={**base, **(env or {})},
        timeout=120,
        **kwargs,  # type: ignore[arg-type]
    )


def one_line(run: subprocess.CompletedProcess, fragment: str) -> None:
    err = run.stderr.decode("utf-8", "replace")
    assert run.returncode not in (0, 70), (run.returncode, err)
    assert err.count("\n") == 1 and err.startswith("aigraph: error: ") and fragment in err, err


def _close_stdout() -> None:
    os.close(1)


@pytest.mark.parametrize(
    "args",
    [["export"], ["query", "members"], ["validate"], ["queries"], ["view", "-o", "-"], ["--version"], ["query", "-h"]],
    ids=lambda a: " ".join(a),
)
def test_closed_stdout_is_one_line(args: list[str], tmp_path: Path) -> None:
    """`aigraph export >&-`: the shell closed stdout before aigraph started."""
    run = aigraph(*args, cwd=tmp_path, stdout=None, preexec_fn=_close_stdout)
    one_line(run, "standard output is closed")


@pytest.mark.parametrize(
    "args", [["export"], ["query", "members"], ["queries"], ["-h"]], ids=lambda a: " ".join(a)
)
def test_full_stdout_is_one_line(args: list[str], tmp_path: Path) -> None:
    """Output to /dev/full (a full disk): one line, not a traceback at exit."""
    with open("/dev/full", "wb") as full:
        run = aigraph(*args, cwd=tmp_path, stdout=full)
    one_line(run, "No space left on device")


def test_validate_report_in_a_latin1_locale(tmp_path: Path) -> None:
    """U+2028 (and any text Latin-1 lacks) in a report is written as an escape, not a crash."""
    data = tmp_path / "odd.ttl"
    data.write_text('@prefix ex: <http://example.org/> .\nex:s ex:p "a\u2028b\u4e2d" .\n', encoding="utf-8")
    run = aigraph("validate", str(data), cwd=tmp_path, env={"PYTHONIOENCODING": "latin-1"})
    assert run.returncode == 1 and run.stderr == b"", run.stderr
    report = run.stdout.decode("latin-1")
    assert "a\\u2028b\\u4e2d" in report and report.startswith("Does not conform")


def test_error_in_a_latin1_locale(tmp_path: Path) -> None:
    run = aigraph("query", "SELECT ?x WHERE { ?x ?p \u00e9\u4e2d }", cwd=tmp_path, env={"PYTHONIOENCODING": "latin-1"})
    assert run.returncode == 1
    assert run.stderr.decode("latin-1").count("\n") == 1 and "\\u4e2d" in run.stderr.decode("latin-1")


def test_view_title_that_is_not_utf8(tmp_path: Path) -> None:
    """A title with bytes that are not UTF-8 reaches Python as a lone surrogate."""
    run = aigraph("view", "--title", os.fsdecode(b"caf\xe9"), "-o", "v.html", cwd=tmp_path)
    one_line(run, "Invalid value for '--title': is not UTF-8 text (byte 0xe9 at character 4)")
    assert list(tmp_path.iterdir()) == []


def test_data_file_whose_name_is_not_utf8_still_works(tmp_path: Path) -> None:
    """File names may be any bytes: only text arguments must be UTF-8."""
    name = os.fsdecode(b"donn\xe9es.ttl")
    (tmp_path / name).write_text('<http://example.org/s> <http://example.org/p> "x" .\n')
    run = aigraph("export", "--data", name, "-f", "ntriples", cwd=tmp_path)
    assert run.returncode == 0 and b'"x"' in run.stdout, run.stderr
    rq = os.fsdecode(b"q\xe9.rq")
    (tmp_path / rq).write_text("ASK { ?s ?p ?o }\n")
    run = aigraph("query", rq, "--data", name, "-f", "tsv", cwd=tmp_path)
    assert run.returncode == 0 and run.stdout.split()[-1] == b"true", run


@pytest.mark.parametrize(
    ("stdin", "fragment"), [(None, "standard input is closed"), ("/dev/zero", "longer than 16 MiB")]
)
def test_query_on_a_closed_or_endless_stdin(stdin: str | None, fragment: str, tmp_path: Path) -> None:
    if stdin is None:
        run = aigraph("query", "-", cwd=tmp_path, stdin=None, preexec_fn=lambda: os.close(0))
    else:
        with open(stdin, "rb") as source:
            run = aigraph("query", "-", cwd=tmp_path, stdin=source)
    one_line(run, fragment)


def test_time_limits_beyond_the_clock_work(tmp_path: Path) -> None:
    run = aigraph("query", "members", "--timeout", "1e308", "-f", "tsv", cwd=tmp_path)
    assert run.returncode == 0 and run.stdout.count(b"\n") == 4, run.stderr


# ------------------------------------------------------------------ --help without click (issue 15)


def test_pre_rendered_help_is_what_click_renders_now() -> None:
    from aigraph import fasthelp, helptexts

    assert fasthelp.render() == Path(helptexts.__file__).read_text(encoding="utf-8"), (
        "the top-level help changed: run tools/regenerate.py"
    )


@pytest.mark.parametrize("columns", ["80", "130", "64"])
@pytest.mark.parametrize("flag", ["--help", "-h", "--version"])
def test_fast_help_prints_what_click_prints(columns: str, flag: str) -> None:
    """`aigraph --help` (64 columns: a width not pre-rendered, so click answers) is the same
    text, byte for byte, as the click command prints."""
    env = {**os.environ, "COLUMNS": columns}
    fast = subprocess.run([sys.executable, "-m", "aigraph", flag], capture_output=True, env=env, timeout=60)
    slow = subprocess.run([sys.executable, "-c", "from aigraph.cli import main; main()", flag],
                          capture_output=True, env=env, timeout=60)
    assert fast.returncode == slow.returncode == 0 and fast.stderr == slow.stderr == b""
    assert fast.stdout == slow.stdout and b"aigraph" in fast.stdout


def test_fast_help_imports_no_click() -> None:
    code = "import sys\nfrom aigraph import fasthelp\n"
    code += "assert fasthelp.text_for(['--help'])\nprint('click' in sys.modules)"
    env = {**os.environ, "COLUMNS": "80"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.stdout.strip() == "False", done
