"""Broken bytes from the server: malformed and truncated frames, an impossible length, and servers
that close or babble during the API handshake. None may crash the terminal or leave it hanging.

What ib_async 2.1 does with them (`Client._onSocketHasData`, `Decoder.interpret`):
- After the API is ready, a message with wrong, missing or undecodable fields is logged by the
  decoder and dropped; the connection stays. Bytes that are not UTF-8 are decoded with
  backslash escapes, so they are just bad fields.
- Before the API is ready (handshake, first messages), it parses the version and message ids
  itself, unguarded: garbage there raises inside its socket-data handler; eventkit catches
  and logs that, and the socket stays open, so the connect hangs until its timeout. ib_async
  also says nothing when the server closes cleanly before the API is ready (it waits out the
  timeout, then reports a timeout). The session's supervisor guards both
  (`ib_internals.watch_socket`): the attempt fails at once with the reason.
- A truncated frame is simply waited for (its length prefix promises more); when the server
  then closes, ib_async disconnects and the session reconnects.
- A length prefix larger than any real message (TWS caps messages at 16 MB) makes ib_async
  buffer everything after it as one message that never completes: the connection looks alive
  but nothing is decoded any more, and the buffer grows for ever. The session guards this
  (a length over ibapi's `MAX_MSG_LEN`): it drops the connection, says why and reconnects.
"""

import asyncio
import contextlib
import struct
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from terminal_app.session import BrokerSession, Phase, ProfileKind, make_profile
from terminal_app.simulator.protocol import framing
from terminal_app.tasks import install_exception_handler
from tests.reliability.terminal_under_test import CLIENT_ID, Terminal
from tests.sim_fixtures import FAST_SESSION

pytestmark = pytest.mark.asyncio
Serve = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def test_malformed_and_non_utf8_messages_are_dropped(terminal: Terminal) -> None:
    conn = terminal.gateway.server.by_client_id[CLIENT_ID]
    conn.send_raw(framing.encode_fields(["1", "6"]))  # a tick with too few fields
    conn.send_raw(framing.encode_fields(["4", "2", "-1", "2104", "x"]))  # an error, too short
    conn.send_raw(struct.pack(">I", 6) + b"\xff\xfe\x00\x81\x00\x00")  # not UTF-8
    conn.send_raw(framing.encode_fields(["9999", "1", "x"]))  # an unknown message id
    await terminal.wait_restored(5)
    assert terminal.session.is_connected and not terminal.count.names["placeOrder"]
    # Still reading: a reply asked for after the garbage arrives.
    assert await terminal.session.server_time()


async def test_truncated_frame_then_close(terminal: Terminal) -> None:
    conn = terminal.gateway.server.by_client_id[CLIENT_ID]
    conn.send_raw(struct.pack(">I", 64) + b"1\x006\x001")  # promises 64 bytes, sends 5
    conn.flush_now()
    conn.close()
    await terminal.wait(lambda: not terminal.session.is_connected, 5, "drop not seen")
    await terminal.wait_restored()


async def test_impossible_length_prefix(terminal: Terminal) -> None:
    """The server claims a 2 GB message and goes on sending: the terminal must notice that
    nothing is decoded any more, drop that connection and reconnect."""
    conn = terminal.gateway.server.by_client_id[CLIENT_ID]
    conn.send_raw(struct.pack(">I", 0x7FFFFFF0))  # the feed's ticks follow it
    await terminal.wait(lambda: not terminal.session.is_connected, 5, "still 'connected'")
    await terminal.wait_restored()
    assert any("a message of 2,147,483,632 bytes" in text for text in terminal.messages())


@contextlib.asynccontextmanager
async def raw_server(serve: Serve) -> AsyncIterator[int]:
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        server.close()


async def close_after_hello(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read(64)
    writer.close()


async def garbage_version(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read(64)
    writer.write(framing.encode_fields(["abc", "20261124 10:00:00 EST"]))
    await reader.read(64)


async def garbage_first_message(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read(64)
    writer.write(framing.encode_fields(["178", "20261124 10:00:00 EST"]))
    await reader.read(64)  # startApi
    writer.write(framing.encode_fields(["nonsense", "1"]) + b"\x00\x00\x00\x02\xff\x00")
    await reader.read(64)


@pytest.mark.parametrize(
    ("serve", "why"),
    [
        (close_after_hello, "closed the connection during the API handshake"),
        (garbage_version, "sent data ib_async cannot read (ValueError: invalid literal"),
        (garbage_first_message, "sent data ib_async cannot read (ValueError: invalid literal"),
    ],
    ids=["closes-mid-handshake", "garbage-version", "garbage-first-message"],
)
async def test_broken_handshake(serve: Serve, why: str) -> None:
    """Each attempt fails at once with the reason (before the guards in the session's
    supervisor, ib_async waited out the whole connect timeout and the user read "did not
    complete the API handshake within 5s"), and nothing escapes as an unhandled exception."""
    loop = asyncio.get_running_loop()
    unhandled: list[str] = []
    install_exception_handler(loop, unhandled.append)
    session = BrokerSession(FAST_SESSION)
    try:
        async with raw_server(serve) as port:
            profile = make_profile(ProfileKind.CUSTOM, port=port, client_id=CLIENT_ID)
            connect = asyncio.ensure_future(session.open_connection(profile))
            assert not await asyncio.wait_for(connect, 10)
            assert session.state.phase is Phase.FAILED
            reason = session.state.reason
    finally:
        loop.set_exception_handler(None)
        await session.close()
    print(f"\n{serve.__name__}: {reason}; unhandled: {unhandled}")
    assert why in reason and not unhandled
