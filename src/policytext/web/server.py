"""Serve the search page with waitress: a fixed pool of threads, bounded connections, idle timeouts.

waitress reads and writes the sockets in one thread (an event loop, so an idle or slow connection
holds no thread) and hands each complete request to one of ``threads`` worker threads. Each worker
keeps one read-only store connection for its whole life (:class:`~policytext.web.app.SearchApp`);
they are closed when the server stops. Past ``connection_limit`` open connections the server
stops accepting until some close (new ones wait in the listen ``backlog``); a connection idle for
``channel_timeout`` seconds is closed.

The errors waitress writes itself (431 headers too large, 413 body too large, 400 unreadable
request, 500 when a response cannot be written) carry the same security headers as the page's.
"""
from __future__ import annotations

import logging
import os
import resource
import signal
import socket
import threading
import time
from typing import Callable, Iterable

from waitress import create_server, wasyncore
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

from policytext.config import Config
from policytext.corpus import Corpus
from policytext.errors import ConfigError, PolicytextError
from policytext.lifetime import end_with_parent
from policytext.records import annotation_model_key
from policytext.web.app import LOCAL_HOST_NAMES, SECURITY_HEADERS, SearchApp

THREADS = 4
"""Worker threads. SQLite releases the GIL while it searches, so a few more threads than the two
cores of a small machine keep them busy; each thread holds one store connection (three files)."""
BACKLOG = 1024
"""Connections the kernel queues while all are busy (the standard library's server queued 5)."""
def default_processes() -> int:
    """Serving processes by default: one per core, at most 4, or 1 where processes cannot be forked.

    In one process the worker threads share Python's interpreter lock, so the Python part of each
    answer (the page, marking, citations: most of its time) runs one at a time however many threads
    there are, and under many clients the threads mostly wait for each other: on 2 cores, 20
    clients got 97 answers a second from one process and 680 from two (docs/benchmarks.md).
    Several processes answer side by side from one listening socket, each with its own threads,
    store connections and cache (``serve --processes N``).

    Example:
        >>> 1 <= default_processes() <= 4
        True
    """
    if not hasattr(os, "fork"):
        return 1
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


RESTART_SECONDS = 2.0
"""A serving process that ends sooner than this after it started is taken as unable to serve (the
page stops with an error) rather than restarted."""
MAX_CONNECTIONS = 500
"""Open connections at most, and at most half the process's descriptor limit (``ulimit -n``), so
that accepting never runs out of descriptors; beyond, new connections wait in the backlog. An idle
connection costs one descriptor and no thread, so the limit is generous (waitress's default is 100,
which 100 silent connections would fill until they time out)."""
CHANNEL_TIMEOUT = 30
"""Seconds a connection may stay idle (no request in progress) before it is closed."""
MAX_HEADER_BYTES = 64 * 1024
"""Request line plus headers at most; beyond, waitress answers 431."""
MAX_BODY_BYTES = 64 * 1024
"""Request body at most (the page takes none); beyond, waitress answers 413."""
_WILDCARDS = ("", "0.0.0.0", "::")
logger = logging.getLogger(__name__)


class _SecureErrorTask(ErrorTask):
    """waitress's own error responses, with the page's security headers and no caching."""

    def execute(self) -> None:
        self.response_headers.extend([("Cache-Control", "no-store"), *SECURITY_HEADERS])
        super().execute()


class _SecureChannel(HTTPChannel):
    error_task_class = _SecureErrorTask


class SearchServer:
    """The search page's HTTP server, bound and listening; :meth:`serve_forever` answers requests.

    The interface of the standard library's servers: ``serve_forever()`` in one thread,
    ``shutdown()`` from another (it returns once serving has stopped), ``server_close()`` to release
    the socket when it never served, ``server_address`` and ``server_port``.
    """

    def __init__(self, app: SearchApp, sock: socket.socket, *, threads: int, backlog: int,
                 connection_limit: int, channel_timeout: int):
        self.app = app
        self.server_address: tuple[str, int] = sock.getsockname()[:2]
        self._waitress = create_server(
            app, sockets=[sock], threads=threads, backlog=backlog, connection_limit=connection_limit,
            channel_timeout=channel_timeout, cleanup_interval=max(1, min(30, channel_timeout)),
            max_request_header_size=MAX_HEADER_BYTES, max_request_body_size=MAX_BODY_BYTES,
            asyncore_use_poll=True,  # select() fails on descriptors past 1,023
            ident="policytext", expose_tracebacks=False, clear_untrusted_proxy_headers=True)
        self._waitress.channel_class = _SecureChannel
        self._map = self._waitress._map  # the sockets of this server only (waitress keeps one map per server)
        self._stop = threading.Event()
        self._stopped = threading.Event()
        self._serving_thread: int | None = None
        self._closed = False
        self._close_lock = threading.Lock()

    @property
    def server_port(self) -> int:
        return self.server_address[1]

    def serve_forever(self) -> None:
        """Answer requests until :meth:`shutdown` (or Ctrl+C); then close everything it opened."""
        self._serving_thread = threading.get_ident()
        try:
            while not self._stop.is_set() and self._map:
                wasyncore.loop(timeout=1.0, map=self._map, use_poll=True, count=1)
        finally:
            self.server_close()
            self._stopped.set()

    def request_stop(self) -> None:
        """Ask :meth:`serve_forever` to stop, without waiting (safe in a signal handler, and twice)."""
        if self._stop.is_set():
            return
        self._stop.set()
        try:
            self._waitress.pull_trigger()  # wakes the event loop at once
        except OSError:  # already closing: the loop sees the flag within a second anyway
            pass

    def shutdown(self, timeout: float = 30.0) -> None:
        """Stop :meth:`serve_forever` from another thread and wait until it has closed everything."""
        self._stop.set()
        if self._serving_thread is not None and not self._stopped.is_set():
            self._waitress.pull_trigger()  # wakes the event loop at once
            self._stopped.wait(timeout)

    def server_close(self) -> None:
        """Stop the worker threads, close every socket, then the threads' store connections."""
        if self._serving_thread not in (None, threading.get_ident()):
            self.shutdown()  # the serving thread closes everything as it stops
            return
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        self._waitress.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        wasyncore.close_all(self._map)
        self.app.close()


def default_connection_limit() -> int:
    """Return :data:`MAX_CONNECTIONS`, or half this process's descriptor limit when that is lower.

    Example:
        >>> default_connection_limit()  # with ulimit -n 1024  # doctest: +SKIP
        500
    """
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return MAX_CONNECTIONS
    return max(1, min(MAX_CONNECTIONS, soft // 2))


def _bind(host: str, port: int) -> socket.socket:
    """Bind a TCP socket to ``host``:``port`` (IPv4 first when a name has both), not yet listening."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as err:
        raise PolicytextError(f"cannot listen on {host}:{port}: {err.strerror or err}. "
                              "Give an address of this machine with --host.") from err
    family, kind, proto, _, address = sorted(infos, key=lambda info: info[0] != socket.AF_INET)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(address)
    except OSError as err:
        sock.close()
        raise PolicytextError(f"cannot listen on {host}:{port} ({err.strerror or err}). "
                              "Pick another port with --port.") from err
    return sock


def allowed_hosts_for(host: str, port: int, extra: Iterable[tuple[str, int | None]] = ()) -> list[tuple[str, int | None]]:
    """Return the (name, port) pairs a Host header may name for a server bound to ``host``:``port``.

    This machine's names on the bound port, the bound address itself unless it is a wildcard
    (``0.0.0.0``, ``::``), and ``extra`` (from ``--allow-host``).

    Example:
        >>> allowed_hosts_for("127.0.0.1", 8000)[:2]
        [('127.0.0.1', 8000), ('localhost', 8000)]
    """
    allowed: list[tuple[str, int | None]] = [(name, port) for name in LOCAL_HOST_NAMES]
    if host not in _WILDCARDS:
        name = f"[{host}]" if ":" in host else host
        allowed.append((name.lower(), port))
    allowed.extend(extra)
    return list(dict.fromkeys(allowed))


def _check_limits(**limits: int) -> None:
    for name, value in limits.items():
        if value < 1:
            raise ConfigError(f"{name} must be at least 1, not {value}.")


def make_search_server(config: Config, *, host: str = "127.0.0.1", port: int = 8000, threads: int = THREADS,
                       allow_hosts: Iterable[tuple[str, int | None]] = (), backlog: int = BACKLOG,
                       connection_limit: int | None = None,
                       channel_timeout: int = CHANNEL_TIMEOUT, cache: bool = True) -> SearchServer:
    """Return the search server for the corpus of ``config``, listening but not yet serving.

    The store is opened writable once (to bring its schema and index up to date), then read-only
    by each worker thread. When the corpus has sentence vectors of its ``meaning_model``, the model
    is loaded and its vectors read now (:meth:`~policytext.web.verify_page.MeaningModel.warm`), so
    the first search by meaning or quote check answers as fast as the next. Call
    ``serve_forever()`` on the result, and ``shutdown()`` to stop it.

    Args:
        connection_limit: open connections at most (default: :func:`default_connection_limit`).
        allow_hosts: further (name, port) pairs the Host header may name, e.g. from
            :func:`~policytext.web.app.read_allowed_host`; this machine's names always work.
        cache: keep answers until the store changes (:class:`~policytext.web.app.ResponseCache`).

    Example:
        >>> server = make_search_server(resolve_config("corpus"), port=0)  # doctest: +SKIP
        >>> threading.Thread(target=server.serve_forever, daemon=True).start()  # doctest: +SKIP
    """
    if connection_limit is None:
        connection_limit = default_connection_limit()
    _check_limits(threads=threads, connection_limit=connection_limit, backlog=backlog, channel_timeout=channel_timeout)
    Corpus(config).close()  # raises CorpusNotFound with advice; migrates an older store
    sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    app = SearchApp(config.store_path, allowed_hosts=allowed_hosts_for(host, bound_port, allow_hosts), cache=cache,
                    annotation_key=annotation_model_key(config.model, config.claim_model),
                    meaning_model=config.meaning_model)
    try:
        app.meaning.warm(config.store_path)  # before the first request: see MeaningModel.warm
        return SearchServer(app, sock, threads=threads, backlog=backlog,
                            connection_limit=connection_limit, channel_timeout=channel_timeout)
    except BaseException:
        sock.close()
        raise


def serve_corpus(config: Config, *, host: str = "127.0.0.1", port: int = 8000, threads: int = THREADS,
                 allow_hosts: Iterable[tuple[str, int | None]] = (), cache: bool = True, processes: int | None = None,
                 ready: Callable[[str], None] | None = None) -> None:
    """Serve the search page until interrupted; call ``ready`` with the page's URL once listening.

    With ``processes`` above 1, this process binds the socket and starts that many serving
    processes (see :func:`default_processes`); it restarts one that ends and stops them all on Ctrl+C or
    SIGTERM. They end with it even when it is killed outright. ``None`` means
    :func:`default_processes`.

    Example:
        >>> serve_corpus(resolve_config("corpus"), port=8000, ready=print)  # doctest: +SKIP
    """
    if processes is None:
        processes = default_processes()
    if processes < 1:
        raise ConfigError(f"processes must be at least 1, not {processes}.")
    if processes > 1:
        _serve_in_processes(config, host=host, port=port, threads=threads, allow_hosts=allow_hosts, cache=cache,
                            processes=processes, ready=ready)
        return
    server = make_search_server(config, host=host, port=port, threads=threads, allow_hosts=allow_hosts, cache=cache)
    if ready is not None:
        ready(_url(host, server.server_port))
    server.serve_forever()  # closes the sockets, threads and store connections when it ends


def _url(host: str, port: int) -> str:
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def _serve_in_processes(config: Config, *, host: str, port: int, threads: int,
                        allow_hosts: Iterable[tuple[str, int | None]], cache: bool, processes: int,
                        ready: Callable[[str], None] | None) -> None:
    """Bind once, fork ``processes`` servers on the socket, keep them running until interrupted."""
    if not hasattr(os, "fork"):
        raise ConfigError("serving with more than one process needs fork (Linux, macOS); "
                          "use one process (--processes 1) with more --threads.")
    _check_limits(threads=threads)
    Corpus(config).close()  # raises CorpusNotFound with advice; migrates an older store
    sock = _bind(host, port)  # bound and listening here, before any thread starts: the processes share it
    sock.listen(BACKLOG)
    bound_port = sock.getsockname()[1]
    allowed = allowed_hosts_for(host, bound_port, allow_hosts)
    parent = os.getpid()
    children: dict[int, float] = {}

    def start_child() -> None:
        pid = os.fork()
        if pid:
            children[pid] = time.monotonic()
            return
        code = 0
        try:
            end_with_parent(parent)
            app = SearchApp(config.store_path, allowed_hosts=allowed, cache=cache,
                            annotation_key=annotation_model_key(config.model, config.claim_model),
                            meaning_model=config.meaning_model)
            app.meaning.warm(config.store_path)  # each process its own model, before it serves
            server = SearchServer(app, sock, threads=threads, backlog=BACKLOG,
                                  connection_limit=default_connection_limit(), channel_timeout=CHANNEL_TIMEOUT)
            for number in (signal.SIGTERM, signal.SIGINT):
                signal.signal(number, lambda *_: server.request_stop())
            server.serve_forever()
        except BaseException:  # noqa: BLE001 - reported, and the parent decides what follows
            logger.exception("serving process %d failed", os.getpid())
            code = 1
        finally:
            os._exit(code)

    def stop_on_sigterm(*_: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop_on_sigterm)
    try:
        for _ in range(processes):
            start_child()
        if ready is not None:
            ready(_url(host, bound_port))
        while children:
            pid, status = os.wait()
            started = children.pop(pid, None)
            if started is None:
                continue
            how = _ending(status)
            if time.monotonic() - started < RESTART_SECONDS:
                raise PolicytextError(f"a serving process {how} as it started; the page is stopped "
                                      "(see the messages above).")
            logger.warning("serving process %d %s; starting another", pid, how)
            start_child()
    finally:
        signal.signal(signal.SIGTERM, previous)
        _stop_children(children)
        sock.close()


def _ending(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"was killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"ended with exit code {os.WEXITSTATUS(status)}"


def _stop_children(children: dict[int, float], timeout: float = 30.0) -> None:
    """Ask every serving process to stop, wait for them, and kill those still there after ``timeout``."""
    for pid in children:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + timeout
    while children:
        for pid in list(children):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                children.pop(pid)
        if not children:
            break
        if time.monotonic() > deadline:
            for pid in children:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            break
        time.sleep(0.05)
