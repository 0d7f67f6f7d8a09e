"""`vnsearch serve`: the app under gunicorn, a production WSGI server.

Why gunicorn with gthread workers (`webui.worker`: with a deadline on each client's reads and
writes): N worker processes (one crash or a slow request does not take the site down) × T
threads each. A search is CPU work that holds the GIL most of the
time, so threads add little beyond the worker processes; two per worker keep one slow client
or request from stalling the others, while more only cost: on news-50k with 16 clients and
every answer computed, 2 workers × 4 threads served 62 req/s at 29.5 ms CPU a request and
341 MiB anonymous memory, × 2 threads 66 req/s at 27.9 ms and 298 MiB (each thread's
temporaries and malloc arena), × 1 thread 69 req/s at 26.5 ms and 276 MiB.
The app is created in each worker after the fork, so every process has its own SearchService,
whose per-thread Whoosh searchers are opened once and reopened only when `vnsearch build` has
swapped in a new generation: no restart needed, and a request in flight finishes on the
generation it started with (the previous one is kept on disk for that).
"""

from __future__ import annotations

import errno
import gc
import os
import socket
import sys
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from webui import create_app, service

# Readable, one line per request: time, client, request line, status, bytes, duration.
ACCESS_LOG_FORMAT = '%(t)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms'
CORS_ENV = "VNSEARCH_CORS_ORIGINS"
DEFAULT_CORS = "*"


class VnsearchServer(BaseApplication):
    """gunicorn configured from code (no config file, no sys.argv parsing)."""

    def __init__(self, index_root: Path, options: dict[str, Any], cors_origins: str) -> None:
        self.index_root = index_root
        self.options = options
        self.cors_origins = cors_origins
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        # Runs in each worker after the fork (preload_app is off): searchers are per process.
        app = create_app(self.index_root, cors_origins=self.cors_origins)
        service(app).warm()  # models load while the worker waits for its first request
        return app


def gunicorn_options(host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    """The gunicorn settings `serve` uses; separate so they can be read and tested."""
    bind_host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return {
        "bind": [f"{bind_host}:{port}"],
        "workers": workers,
        "worker_class": "webui.worker.DeadlineThreadWorker",  # gthread's, with deadlines on each client
        "threads": threads,
        "preload_app": False,
        "timeout": 30,  # a worker silent this long is killed and replaced
        "graceful_timeout": 15,  # on SIGTERM, requests in flight get this long to finish
        "keepalive": 5,
        # The maximum gunicorn allows: any q up to search's 500-character limit fits, even
        # fully accented and percent-encoded (≤ 9 bytes a character).
        "limit_request_line": 8190,
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "vnsearch",
        "control_socket_disable": True,  # no ~/.gunicorn socket shared between servers
    }


def check_bind(host: str, port: int) -> str | None:
    """A one-line reason why host:port cannot be listened on, or None. Checked up front
    because gunicorn itself retries a busy port for 5 s and then logs several lines."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return f"cannot resolve host {host!r}: {exc.strerror}"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is already in use (another server running? try --port)"
            return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


def _share_imports_with_workers() -> None:
    """Keep the pages of what this process imported (Python, Flask, NumPy, Whoosh, ICU, the
    indexer: ~38 MiB) shared with the workers it forks. Each worker inherits them copy-on-write,
    but the cyclic garbage collector writes into the header of every object it visits: a
    worker's first full collection copied most of those pages into it, and left the master's
    originals private to the master. `gc.freeze()` moves them out of the collector's sight.
    news-50k, 12 or 24 rounds of the workload's 550 queries with 16 clients then 100 of
    perf.py's 42: PSS of master + workers 307 / 307 MiB without, 289 / 290 MiB with (the
    master's own dirty pages 23 → 14 MiB); in shorter runs, before the workers' first full
    collection, the two measure the same. (Started by `vnsearch serve`, the imports were
    frozen as they ended, by `indexer.launch`: this freezes what came after.)"""
    gc.collect()
    gc.freeze()


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, workers: int = 2, threads: int = 2) -> int:
    """Run gunicorn until SIGTERM/SIGINT; returns the process exit status (0 on a clean stop)."""
    if workers < 1 or threads < 1:
        print("vnsearch: error: --workers and --threads must be at least 1", file=sys.stderr)
        return 2
    if not 1 <= port <= 65535:  # (0 would be a port picked at random, which nothing would say)
        print(f"vnsearch: error: --port {port} is not a TCP port to serve on (1-65535)", file=sys.stderr)
        return 2
    problem = check_bind(host, port)
    if problem:
        print(f"vnsearch: error: {problem}", file=sys.stderr)
        return 2
    cors = os.environ.get(CORS_ENV, DEFAULT_CORS)
    print(
        f"vnsearch: serving {Path(root).resolve()} on http://{host}:{port}/ "
        f"({workers} workers × {threads} threads; CORS origins: {cors or 'off'})",
        file=sys.stderr,
        flush=True,
    )
    server = VnsearchServer(Path(root), gunicorn_options(host, port, workers, threads), cors)
    _share_imports_with_workers()
    try:
        server.run()
    except SystemExit as exc:
        if exc.code is None:
            return 0
        return exc.code if isinstance(exc.code, int) else 1
    return 0
