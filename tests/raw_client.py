"""A hand-driven TWS API client over a real socket, and the exact fields ib_async sends.

For tests that must send what no well-behaved client sends (overflowing numbers, floods, garbage)
and read the gateway's answer message by message.
"""

from __future__ import annotations

import asyncio
import struct
import time
from typing import Any

from ib_async.client import Client

from terminal_app.simulator.protocol import framing


def ib_async_fields(version: int, call: str, *args: Any) -> list[str]:
    """The fields ib_async's Client sends for `call(*args)` at server `version`."""
    client: Any = Client(wrapper=None)
    client._serverVersion = version
    sent: list[str] = []
    client.isConnected = lambda: True
    client.sendMsg = sent.append
    getattr(client, call)(*args)
    return sent[0].split("\0")[:-1]


class RawClient:
    """A hand-driven API client: exact bytes in, parsed messages out."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> RawClient:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def handshake(self, offer: bytes = b"v157..178") -> list[str]:
        self.writer.write(framing.API_SIGN + framing.frame(offer))
        return await self.read()

    async def start(self, client_id: int) -> None:
        """Handshake and startApi, then read the start-up messages up to the last farm notice."""
        await self.handshake()
        self.send(71, 2, client_id, "")
        while (await self.read())[:4] != ["4", "2", "-1", "2158"]:
            pass

    async def error_for(self, *fields: object) -> list[str]:
        """Send one request and return the first error message (id 4) that answers it."""
        self.send(*fields)
        while (message := await self.read())[0] != "4":
            pass
        return message

    async def round_trip(self) -> float:
        """Seconds until reqCurrentTime is answered."""
        began = time.perf_counter()
        self.send(49, 1)
        await self.read_until("49")
        return time.perf_counter() - began

    def send(self, *fields: object) -> None:
        self.writer.write(framing.encode_fields(str(f) for f in fields))

    async def read(self, timeout: float = 5.0) -> list[str]:
        async with asyncio.timeout(timeout):
            header = await self.reader.readexactly(4)
            (size,) = struct.unpack(">I", header)
            return framing.split_fields(await self.reader.readexactly(size))

    async def read_until(self, msg_id: str, timeout: float = 5.0) -> list[list[str]]:
        seen: list[list[str]] = []
        while not seen or seen[-1][0] != msg_id:
            seen.append(await self.read(timeout))
        return seen

    async def closed_by_server(self, timeout: float = 5.0) -> bool:
        async with asyncio.timeout(timeout):
            while True:
                try:
                    data = await self.reader.read(65536)
                except ConnectionResetError:  # closed with our bytes unread
                    return True
                if not data:
                    return True

    def close(self) -> None:
        self.writer.close()
