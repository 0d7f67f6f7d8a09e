"""The gunicorn worker `vnsearch serve` runs: gthread's, where no client holds a thread while
it is slow to send its request or to take its answer.

gunicorn's gthread worker reads a request's head and writes its answer in a pool thread, on a
blocking socket with no timeout, and its worker timeout does not cap a thread's request: eight
connections that sent a request line and one header, then nothing, held every thread of
`vnsearch serve` (2 workers × 2 threads) for as long as they stayed open, and so did clients
that never read their answers (bug hunt 90: 0 of 12 requests answered in 180 s). It also held a
thread up to 5 s for a new connection's first byte: two idle connections (a browser's
preconnect, a port scanner) made the next visitor wait 5 s. Here:

* a request's head is read as it comes, without waiting: while it is incomplete, the connection
  waits in the worker's poller (gthread's deferral), not in a thread, and a head not complete
  HEAD_SECONDS after its first byte, or silent for gunicorn's keepalive (5 s), is dropped; a
  thread takes the request once its head is whole;
* a new connection waits for its first byte in a thread for FIRST_BYTE_SECONDS only, then in the
  poller, as gthread does after 5 s;
* a client that takes none of its answer, or none of a request body, for CLIENT_IDLE_SECONDS is
  dropped (the socket's own send and receive timeouts, which blocking mode leaves in place).
"""

from __future__ import annotations

import socket
import struct
import time
from typing import Any

from gunicorn.http2 import negotiation
from gunicorn.workers import gthread

CLIENT_IDLE_SECONDS = 5  # as long as gunicorn keeps an idle kept-alive connection
FIRST_BYTE_SECONDS = 0.25
HEAD_SECONDS = 10  # from a request's first byte to its blank line
HEAD_BYTES = 65536  # read ahead at most: gunicorn's own limits judge a longer head


class DeadlineThreadWorker(gthread.ThreadWorker):
    """gthread's worker; a request's head is read in the poller's time, not a thread's
    (module docstring)."""

    def enqueue_req(self, conn: Any) -> None:
        if not getattr(conn, "deadlines", False):
            timeval = struct.pack("ll", CLIENT_IDLE_SECONDS, 0)
            conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval)
            conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, timeval)
            conn.deadlines = True
        super().enqueue_req(conn)

    def handle(self, conn: Any) -> Any:
        if not conn.initialized and not conn.data_ready and not conn.wait_for_data(FIRST_BYTE_SECONDS):
            return gthread._DEFER  # gthread's own wait, 5 s, is skipped once this one has seen data
        if self.cfg.is_ssl or negotiation.prior_knowledge_allowed(self.cfg, conn.client):
            return super().handle(conn)  # (TLS and HTTP/2 read their first bytes themselves)
        if conn.initialized and conn.parser.unreader.buf.getvalue():
            return super().handle(conn)  # the next request is read already (pipelined)
        head = _read_head(conn)
        if head is None:
            return False  # closed by the client, or too slow: gthread closes it
        if not head:
            return gthread._DEFER  # incomplete: the poller wakes it when more arrives
        conn.sock.setblocking(True)
        conn.init()
        conn.parser.unreader.unread(head)
        return super().handle(conn)


def _whole(head: bytes) -> bool:
    """A request's head ends at a blank line (a bare LF one too: gunicorn judges it)."""
    return b"\r\n\r\n" in head or b"\n\n" in head or len(head) >= HEAD_BYTES


def _read_head(conn: Any) -> bytes | None:
    """What the client has sent of its next request, once its head is whole (or HEAD_BYTES are
    read); b"" while it is not; None when the client closed the connection or took more than
    HEAD_SECONDS since its first byte. Reads without blocking; what came so far is kept on the
    connection."""
    so_far: bytes = getattr(conn, "head", b"")
    conn.sock.setblocking(False)
    try:
        while not _whole(so_far):
            chunk = conn.sock.recv(HEAD_BYTES)
            if not chunk:
                return None
            if not so_far:
                conn.head_since = time.monotonic()
            so_far += chunk
    except BlockingIOError:
        conn.head = so_far
        return None if so_far and time.monotonic() - conn.head_since > HEAD_SECONDS else b""
    except OSError:
        return None
    conn.head = b""
    return so_far
