"""The search page's server (waitress) on 127.0.0.1: limits, timeouts, errors and connections kept."""
from __future__ import annotations

import logging
import os
import socket
import sqlite3
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

from policytext.cli import main
from policytext.config import resolve_config
from policytext.errors import ConfigError
from policytext.web import make_search_server, read_allowed_host
from policytext.web.app import SECURITY_HEADERS
from policytext.web.server import MAX_HEADER_BYTES

SECURITY_NAMES = [name for name, _ in SECURITY_HEADERS]


@contextmanager
def running(corpus: Path, **options):
    """Serve ``corpus`` on a free port of 127.0.0.1 in a thread; stop it and wait on leaving."""
    server = make_search_server(resolve_config(corpus), host="127.0.0.1", port=0, **options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(30)
        assert not thread.is_alive()


def raw(port: int, request: bytes, *, timeout: float = 10) -> tuple[str, dict[str, str], bytes]:
    """Send ``request`` as bytes and read until the server closes: (status line, headers, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    return status, headers, body


def get(port: int, target: str, **headers: str) -> tuple[str, dict[str, str], bytes]:
    headers.setdefault("Host", f"127.0.0.1:{port}")
    lines = "".join(f"{name.replace('_', '-')}: {value}\r\n" for name, value in headers.items())
    return raw(port, f"GET {target} HTTP/1.1\r\n{lines}Connection: close\r\n\r\n".encode("latin-1"))


def store_descriptors(store: Path) -> int:
    """Count this process's open file descriptors on the store file (and its -wal and -shm files)."""
    count = 0
    for entry in os.scandir("/proc/self/fd"):
        try:
            target = os.readlink(entry.path)
        except OSError:  # closed between listing and reading
            continue
        count += target.startswith(str(store.resolve()))
    return count


@pytest.fixture
def own_corpus(web_corpus, tmp_path) -> Path:
    """A copy of the web corpus for one test alone (to damage, or to count descriptors on)."""
    target = tmp_path / "corpus"
    target.mkdir()
    source, copy = sqlite3.connect(web_corpus / "policytext.db"), sqlite3.connect(target / "policytext.db")
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return target


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors in /proc (Linux)")
def test_connections_are_one_per_thread_reused_and_closed_when_the_server_stops(own_corpus) -> None:
    # A store no other connection of this process has open: SQLite defers closing a descriptor
    # while another connection of the process holds a lock on the same file.
    store = own_corpus / "policytext.db"
    assert store_descriptors(store) == 0
    with running(own_corpus, threads=3) as server:
        url = f"http://127.0.0.1:{server.server_port}/api/search?q=nation*&limit=5"

        def fetch(_: int) -> int:
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()
                return response.status

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(fetch, range(300))) == {200}
        # One connection per worker thread, however many requests: each holds the store, its -wal
        # and its -shm file open (the standard library's server left one per request behind).
        assert 1 <= server.app.open_stores <= 3
        assert 0 < store_descriptors(store) <= 3 * server.app.open_stores
    assert server.app.open_stores == 0
    assert store_descriptors(store) == 0


def test_an_idle_connection_is_closed_after_the_timeout(web_corpus) -> None:
    with running(web_corpus, channel_timeout=1) as server, \
            socket.create_connection(("127.0.0.1", server.server_port), timeout=15) as idle:
        started = time.monotonic()
        assert idle.recv(1) == b""  # closed by the server, not by our timeout (which raises)
        assert time.monotonic() - started < 10


def test_a_kept_alive_connection_is_closed_once_idle(web_corpus) -> None:
    with running(web_corpus, channel_timeout=1) as server, \
            socket.create_connection(("127.0.0.1", server.server_port), timeout=15) as sock:
        sock.sendall(f"HEAD / HTTP/1.1\r\nHost: 127.0.0.1:{server.server_port}\r\n\r\n".encode())
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 OK")
        started = time.monotonic()
        assert sock.recv(1) == b""
        assert time.monotonic() - started < 10


def test_errors_written_by_waitress_carry_the_security_headers(web_corpus) -> None:
    with running(web_corpus) as server:
        # Exactly at the limit: waitress answers once it has read that much and closes; bytes past
        # it would be left unread, and closing on them resets the connection (see docs/benchmarks.md).
        head = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{server.server_port}\r\nConnection: close\r\nX-Big: "
        request = head.encode() + b"a" * (MAX_HEADER_BYTES - len(head) - 4) + b"\r\n\r\n"
        status, headers, _ = raw(server.server_port, request)
        assert status.endswith("431 Request Header Fields Too Large")
        assert all(name in headers for name in SECURITY_NAMES), headers
        status, headers, body = raw(server.server_port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n")
        assert status.endswith("400 Bad Request") and all(name in headers for name in SECURITY_NAMES)
        assert b"Traceback" not in body


def test_a_failure_inside_the_app_is_a_500_with_the_headers_and_the_traceback_only_in_the_log(
        own_corpus, caplog) -> None:
    with running(own_corpus) as server:
        # Damage the pages of the documents table and its indexes (as a disk error would), after
        # the server has checked the store on start.
        store = own_corpus / "policytext.db"
        conn = sqlite3.connect(store)
        try:
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
            pages = [row[0] for row in conn.execute(
                "SELECT pageno FROM dbstat WHERE name IN "
                "(SELECT name FROM sqlite_master WHERE tbl_name = 'documents' AND type IN ('table', 'index'))")]
        finally:
            conn.close()
        assert pages
        with open(store, "r+b") as file:
            for page in pages:
                file.seek((page - 1) * page_size)
                file.write(b"\xff" * page_size)
        with caplog.at_level(logging.ERROR, logger="policytext.web"):
            status, headers, body = get(server.server_port, "/?q=moon")
    assert status == "HTTP/1.1 500 Internal Server Error"
    assert all(name in headers for name in SECURITY_NAMES), headers
    assert b"Traceback" not in body and b'File "' not in body and b"sqlite3" not in body
    assert body == b"The server could not answer this request. The details are in its log.\n"
    assert "the search page failed on GET /" in caplog.text and "Traceback" in caplog.text


def test_a_public_name_is_answered_only_when_allowed(web_corpus) -> None:
    with running(web_corpus, allow_hosts=[read_allowed_host("search.example.org")]) as server:
        port = server.server_port
        assert get(port, "/", Host="search.example.org")[0] == "HTTP/1.1 200 OK"
        assert get(port, "/", Host="SEARCH.example.org:443")[0] == "HTTP/1.1 200 OK"
        assert get(port, "/", Host=f"localhost:{port}")[0] == "HTTP/1.1 200 OK"
        assert get(port, "/", Host="other.example.org")[0] == "HTTP/1.1 400 Bad Request"
        assert get(port, "/", Host=f"localhost:{port + 1}")[0] == "HTTP/1.1 400 Bad Request"


@pytest.mark.parametrize("value", ["http://search.example.org", "search.example.org/path", "a b", "",
                                   "user@host", "host:99999", "host:port", "::1"])
def test_allow_host_refuses_what_is_not_a_host_name(value) -> None:
    with pytest.raises(ConfigError, match="--allow-host"):
        read_allowed_host(value)


@pytest.mark.parametrize(("value", "expected"), [("search.example.org", ("search.example.org", None)),
                                                 ("Example.org:8443", ("example.org", 8443)),
                                                 ("[::1]:8000", ("[::1]", 8000)),
                                                 ("10.0.0.5", ("10.0.0.5", None))])
def test_allow_host_reads_names_and_ports(value, expected) -> None:
    assert read_allowed_host(value) == expected


def test_serve_command_refuses_a_bad_allow_host(capsys, web_corpus) -> None:
    code = main(["--corpus", str(web_corpus), "serve", "--port", "0", "--allow-host", "https://example.org/"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("Error: cannot use 'https://example.org/' as a host name for --allow-host")


@pytest.mark.parametrize("options", [{"threads": 0}, {"channel_timeout": 0}, {"connection_limit": 0}])
def test_limits_must_be_positive(web_corpus, options) -> None:
    with pytest.raises(ConfigError, match="must be at least 1"):
        make_search_server(resolve_config(web_corpus), port=0, **options)


def test_stopping_a_server_that_never_served_releases_the_port(web_corpus) -> None:
    server = make_search_server(resolve_config(web_corpus), port=0)
    port = server.server_port
    server.server_close()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # free again


def test_a_bad_query_in_a_url_is_not_a_500(web_corpus) -> None:
    with running(web_corpus) as server:
        status, headers, _ = get(server.server_port, "/api/search?q=" + quote('"open'))
    assert status == "HTTP/1.1 400 Bad Request" and "Content-Security-Policy" in headers


def test_the_filters_list_a_kind_committed_while_serving(own_corpus) -> None:
    from policytext.corpus import open_corpus
    from policytext.records import Document

    with running(own_corpus, threads=1) as server:  # one thread: its cached lists must notice the change
        assert b"<option>manifesto</option>" not in get(server.server_port, "/")[2]
        with open_corpus(own_corpus) as corpus:
            corpus.write([Document(source="test", source_id="manifesto-1", title="A manifesto",
                                   text="We will build houses.", date="2019-11-20", kind="manifesto")],
                         stage="test")
        assert b"<option>manifesto</option>" in get(server.server_port, "/")[2]


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _listening_ports() -> set[int]:
    """The TCP ports with a socket in LISTEN state on this machine (/proc/net/tcp, IPv4)."""
    ports = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A":  # TCP_LISTEN
            ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def _wait_for(condition, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@contextmanager
def serving_processes(corpus: Path, processes: int | None):
    """``policytext serve --processes N`` in a subprocess; yields (the process, its port)."""
    import re
    import subprocess
    import sys

    chosen = [] if processes is None else ["--processes", str(processes)]
    process = subprocess.Popen([sys.executable, "-m", "policytext", "--corpus", str(corpus), "serve", "--port", "0",
                                *chosen], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, line + process.stderr.read()
        yield process, int(found.group(1))
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(30)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads processes' children in /proc (Linux)")
def test_several_processes_answer_and_one_that_dies_is_replaced(web_corpus) -> None:
    import signal

    from policytext.web.server import RESTART_SECONDS

    with serving_processes(web_corpus, 2) as (process, port):
        assert _wait_for(lambda: len(_children(process.pid)) == 2)
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda n: get(port, f"/api/search?q=tax&page={n % 3 + 1}")[0], range(24)))
        assert statuses == ["HTTP/1.1 200 OK"] * 24
        first, second = _children(process.pid)
        time.sleep(RESTART_SECONDS + 0.5)  # past start-up: a process that dies now is replaced
        os.kill(first, signal.SIGKILL)
        assert _wait_for(lambda: len(_children(process.pid)) == 2 and first not in _children(process.pid))
        assert get(port, "/?q=economy")[0] == "HTTP/1.1 200 OK"
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0
        err = process.stderr.read()
    assert f"serving process {first} was killed by SIGKILL; starting another" in err
    assert "Stopped the search page." in err and "Traceback" not in err
    assert not _alive(second)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads processes' children in /proc (Linux)")
def test_serving_processes_end_when_their_parent_is_killed_outright(web_corpus) -> None:
    import signal

    with serving_processes(web_corpus, 2) as (process, port):
        assert _wait_for(lambda: len(_children(process.pid)) == 2)
        children = _children(process.pid)
        assert get(port, "/?q=jobs")[0] == "HTTP/1.1 200 OK" and port in _listening_ports()
        os.kill(process.pid, signal.SIGKILL)
        process.wait(30)
        assert _wait_for(lambda: not any(_alive(child) for child in children), 10)
    # and nothing listens on the port any more (binding it again is not the test: the closed
    # connections' states and other processes' outgoing connections may hold the port a while)
    assert _wait_for(lambda: port not in _listening_ports(), 10)


def test_processes_must_be_positive(web_corpus) -> None:
    from policytext.web import serve_corpus

    with pytest.raises(ConfigError, match="processes must be at least 1"):
        serve_corpus(resolve_config(web_corpus), port=0, processes=0)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads processes' children in /proc (Linux)")
def test_serve_starts_one_process_per_core_by_default(web_corpus) -> None:
    from policytext.web.server import default_processes

    expected = default_processes()
    with serving_processes(web_corpus, None) as (process, port):
        assert _wait_for(lambda: len(_children(process.pid)) == (expected if expected > 1 else 0))
        assert get(port, "/?q=world")[0] == "HTTP/1.1 200 OK"
