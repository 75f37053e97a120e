"""Real SPARQL servers for the tests and the push benchmark: an Oxigraph server (the
``oxigraph`` wheel) and Virtuoso (Debian's ``virtuoso-t``), each in a temporary
folder, on free ports, stopped by pid. A server that cannot start raises: the
tests that need it fail, never skip. Each server also gets SIGTERM from the kernel
when the process that started it dies (Linux), so a test run killed before its
teardown leaves no server behind."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux for SIGTERM when the parent dies (prctl PR_SET_PDEATHSIG)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG


VIRTUOSO_USER = "aigraph"
VIRTUOSO_PASSWORD = "fictional-test-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen[bytes], log: Path, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - 127.0.0.1 only
                resp.read()
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not answer {url} within {seconds:g} s: {log.read_text(errors='replace')[-2000:]}")


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    folder: Path
    http_port: int
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def oxigraph_binary() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph server is not installed: pip install oxigraph (the test extra has it)")
    return found


def _serve_oxigraph(folder: Path, command: list[str], port: int | None) -> Server:
    """Run ``oxigraph COMMAND --location folder/store --bind 127.0.0.1:PORT`` and wait until it answers."""
    folder.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    log = folder / "oxigraph.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [oxigraph_binary(), *command, "--location", str(folder / "store"), "--bind", f"127.0.0.1:{port}"],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
    server = Server("oxigraph", proc, folder, port)
    try:
        _wait(f"{server.base}/query?query=ASK%7B%7D", proc, log)
    except Exception:
        server.cleanup()
        raise
    return server


def start_oxigraph(folder: Path, *, port: int | None = None) -> Server:
    """``oxigraph serve`` (read-write) with the union of graphs as default graph, like aigraph serve."""
    return _serve_oxigraph(folder, ["serve", "--union-default-graph"], port)


_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = {sql}
LiteMode = 0
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 8
CheckpointInterval = 60
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
AllowOSCalls = 0
DirsAllowed = ., {dirs}
ThreadCleanupInterval = 0
ThreadThreshold = 10
ResourcesCleanupInterval = 0
SingleCPU = 0
MaxQueryMem = 256M
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4
; modest memory: the machine is shared (about 8 KB per buffer)
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}

[HTTPServer]
ServerPort = {http}
ServerRoot = {d}/vsp
MaxClientConnections = 8
DavRoot = DAV
EnabledDavVSP = 0
HTTPProxyEnabled = 0
ServerThreads = 8
MaxKeepAlives = 8
KeepAliveTimeout = 10
HTTPThreadSize = 280000
Charset = UTF-8
EnabledGzipContent = 0

[Client]
SQL_PREFETCH_ROWS = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 300
DefaultGraph = http://localhost/default-graph
"""


def isql(server: Server, sql: str, *, user: str = "dba", password: str = "dba") -> str:
    """Run SQL through Debian's isql-vt; raise on an error."""
    isql_bin = shutil.which("isql-vt") or shutil.which("isql")
    if isql_bin is None:
        raise RuntimeError("isql-vt is not installed (apt-get install virtuoso-opensource)")
    done = subprocess.run(
        [isql_bin, f"127.0.0.1:{server.extra['sql_port']}", user, password, "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF"],
        input=sql.encode(),
        capture_output=True,
        timeout=3600,
        check=False,
    )
    out = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
    if done.returncode != 0 or "*** Error" in out:
        raise RuntimeError(f"isql failed: {out[-2000:]}")
    return out


def start_virtuoso(folder: Path, *, dirs: tuple[str, ...] = (), buffers: int = 20000) -> Server:
    """A fresh Virtuoso database in ``folder``, its own virtuoso.ini, free ports; a user
    ``aigraph`` with SPARQL_UPDATE for /sparql-graph-crud-auth (Digest)."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise RuntimeError("virtuoso-t is not installed (apt-get install virtuoso-opensource)")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vsp").mkdir(exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        _VIRTUOSO_INI.format(
            d=folder,
            sql=sql_port,
            http=http_port,
            dirs=", ".join([str(folder), *dirs]),
            buffers=buffers,
            dirty=buffers * 3 // 4,
        )
    )
    log = folder / "stdout.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "LC_ALL": "C"},
            preexec_fn=_die_with_parent,
        )
    server = Server("virtuoso", proc, folder, http_port, {"sql_port": str(sql_port)})
    try:
        _wait(f"{server.base}/sparql?query=ASK%7B%7D", proc, log, seconds=180)
        isql(
            server,
            f"DB.DBA.USER_CREATE('{VIRTUOSO_USER}', '{VIRTUOSO_PASSWORD}');\n"
            f'GRANT SPARQL_UPDATE TO "{VIRTUOSO_USER}";\n'
            f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{VIRTUOSO_USER}', 7);\n",
        )
    except Exception:
        server.cleanup()
        raise
    return server


def start_oxigraph_read_only(folder: Path, *, port: int | None = None) -> Server:
    """``oxigraph serve-read-only`` over a store holding one fictional triple (it must exist first)."""
    folder.mkdir(parents=True, exist_ok=True)
    seed = folder / "seed.nt"
    seed.write_text("<https://example.org/Acme> <https://example.org/p> \"fictional\" .\n")
    subprocess.run(
        [oxigraph_binary(), "load", "--location", str(folder / "store"), "--file", str(seed)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return _serve_oxigraph(folder, ["serve-read-only"], port)
