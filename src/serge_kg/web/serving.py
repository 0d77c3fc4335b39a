"""How ``serge-kg serve`` listens: its socket, bound before the server starts so that a busy port is a
clear error, and its default row cap."""

from __future__ import annotations

import errno
import socket

from serge_kg.errors import SergeKGError

# Above the size of the whole graph (16,259 triples now), so that a CONSTRUCT of everything returns
# everything; the cap is there against runaway joins, not to page through the data.
DEFAULT_MAX_ROWS = 100_000


class ListenError(SergeKGError):
    """The server cannot listen on the address asked for (exit code 2)."""


def bind(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` and listening.

    :raises ListenError: naming the address and what to do, if it is taken or cannot be used.
    """
    # proto IPPROTO_TCP, not 0: asyncio turns Nagle's algorithm off only on sockets it can tell are TCP;
    # without it an answer whose body follows its headers waits ~40 ms for the client's delayed ACK
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ListenError(f"cannot serve on {host}:{port}: the port is already in use (another server is "
                              "running there); stop it or choose another with --port") from None
        raise ListenError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    return sock
