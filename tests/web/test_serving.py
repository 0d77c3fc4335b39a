"""The listening socket of ``serge-kg serve``."""

from __future__ import annotations

import asyncio
import socket
import threading

from serge_kg.web.serving import bind


def test_accepted_connections_send_without_delay() -> None:
    """asyncio turns Nagle's algorithm off only on sockets it knows are TCP (``proto`` IPPROTO_TCP): otherwise
    an answer whose body follows its headers in a second write waits ~40 ms for the client's delayed ACK."""
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    seen: list[int] = []

    async def main() -> None:
        def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            seen.append(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()
        server = await asyncio.start_server(accepted, sock=sock)
        async with server:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            for _ in range(100):
                if seen:
                    break
                await asyncio.sleep(0.01)
            writer.close()
    # in a thread of its own: the browser tests of the same session leave an event loop running in this one
    thread = threading.Thread(target=asyncio.run, args=(main(),))
    thread.start()
    thread.join(10)
    assert sock.proto == socket.IPPROTO_TCP and seen and seen[0] != 0
