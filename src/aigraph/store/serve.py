"""``aigraph serve``: Oxigraph's own SPARQL server, read-only, over the graph.

aigraph loads the graph and the ontology (each in its graph, as ``aigraph push``
sends them) into a store in a temporary folder, then runs the ``oxigraph``
command (the ``oxigraph`` wheel, ``pip install 'aigraph[server]'``) as
``serve-read-only --union-default-graph`` on it, so the saved queries answer as
they do locally. Ctrl-C stops the server and removes the folder.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox

from ..errors import AigraphError

HINT = "aigraph serve needs Oxigraph's server: pip install 'aigraph[server]' (the oxigraph wheel)"


def oxigraph_command() -> str:
    """The ``oxigraph`` executable: beside this Python first (a venv), else on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise AigraphError(HINT)
    return found


def load_folder(
    folder: Path,
    data: Sequence[str | Path] | None = None,
    *,
    with_ontology: bool = True,
) -> int:
    """Load the data (default: the built graph) and the ontology into an on-disk store; the triple count."""
    from .remote import spill_graphs

    with tempfile.TemporaryDirectory(prefix="aigraph-serve-nt-") as tmp:
        spill = spill_graphs(Path(tmp), data, with_ontology=with_ontology)
        store = ox.Store(str(folder))
        for name, path in spill.files.items():
            to: ox.NamedNode | ox.DefaultGraph = ox.DefaultGraph() if name is None else ox.NamedNode(name)
            store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=to)
        store.flush()
        count = len(store)
        del store
    return count


def serve(
    data: Sequence[str | Path] | None = None,
    *,
    bind: str = "127.0.0.1",
    port: int = 7878,
    with_ontology: bool = True,
    on_ready: Callable[[str, int], None] | None = None,
) -> int:
    """Run the server until Ctrl-C (or SIGTERM); its exit status."""
    command = oxigraph_command()
    folder = Path(tempfile.mkdtemp(prefix="aigraph-serve-"))
    proc: subprocess.Popen[bytes] | None = None
    try:
        count = load_folder(folder / "store", data, with_ontology=with_ontology)
        host = f"[{bind}]" if ":" in bind else bind
        proc = subprocess.Popen(
            [
                command,
                "serve-read-only",
                "--location",
                str(folder / "store"),
                "--bind",
                f"{host}:{port}",
                "--union-default-graph",
            ],
            stdin=subprocess.DEVNULL,
        )
        if on_ready is not None:
            on_ready(f"http://{host}:{port}/query", count)
        try:
            return proc.wait()
        except KeyboardInterrupt:
            return 0
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(folder, ignore_errors=True)
