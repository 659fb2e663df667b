"""Is a Kafka broker serving on a local port? One ApiVersions round trip tells."""

from __future__ import annotations

import socket
import struct
from typing import Literal

from app.localkafka.config import HOST

PROBE_TIMEOUT_S = 2.0
_PROBE_CORRELATION_ID = 0x0B51_4B00

Probe = Literal["closed", "kafka", "other"]


def _api_versions_request() -> bytes:
    client_id = b"brinkwatch-localkafka"
    # ApiVersions (key 18) v0, request header v1: key, version, correlation id, client id.
    body = struct.pack(">hhih", 18, 0, _PROBE_CORRELATION_ID, len(client_id)) + client_id
    return struct.pack(">i", len(body)) + body


def probe(port: int) -> Probe:
    """``kafka`` if an ApiVersions request on 127.0.0.1:port gets a Kafka response."""
    try:
        sock = socket.create_connection((HOST, port), timeout=PROBE_TIMEOUT_S)
    except OSError:
        return "closed"
    with sock:
        try:
            sock.sendall(_api_versions_request())
            header = _recv_exact(sock, 8)
        except OSError:
            return "other"
    size, correlation_id = struct.unpack(">ii", header)
    return "kafka" if correlation_id == _PROBE_CORRELATION_ID and size >= 6 else "other"


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("connection closed")
        buf += chunk
    return buf
