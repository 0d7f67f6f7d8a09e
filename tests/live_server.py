"""A real `vnsearch serve` (gunicorn) subprocess on a free loopback port, for the HTTP and
browser tests: started, awaited on /api/health, stopped gracefully."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

from tests.conftest import REPO

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """One `python -m indexer serve` subprocess; logs go to files for the tests to read."""

    def __init__(self, index: Path, logs: Path, workers: int = 2, threads: int = 4,
                 env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.stdout_path = logs / f"serve-{self.port}.out"
        self.stderr_path = logs / f"serve-{self.port}.err"
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "indexer", "serve", "--index", str(index), "--host", HOST,
                 "--port", str(self.port), "--workers", str(workers), "--threads", str(threads)],
                cwd=REPO,
                env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
                stdout=out,
                stderr=err,
            )

    def wait_ready(self, timeout: float = 30.0, warm_answers: int = 8) -> None:
        """Until `warm_answers` health answers in a row say the answering worker has loaded its
        models: each is a new connection, taken by whichever worker accepts it, and a worker
        still warming answers searches without "did you mean" or an ETag (as CI once caught)."""
        deadline = time.monotonic() + timeout
        warm = 0
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited with {self.proc.returncode}: {self.stderr()}")
            with contextlib.suppress(requests.ConnectionError):
                response = requests.get(self.url + "/api/health", timeout=2)
                warm = warm + 1 if response.status_code == 200 and not response.json()["warming"] else 0
                if warm == warm_answers:
                    return
            time.sleep(0.05)
        raise AssertionError(f"server not ready after {timeout} s: {self.stderr()}")

    def stop(self) -> int:
        """SIGTERM (gunicorn's graceful stop), then SIGKILL if it hangs; returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return self.proc.returncode

    def access_log(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def running(index: Path, logs: Path, **kwargs: Any) -> Iterator[Server]:
    server = Server(index, logs, **kwargs)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()
