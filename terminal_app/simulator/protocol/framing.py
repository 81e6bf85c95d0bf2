"""Framing of the TWS API socket protocol: length prefix, NUL-terminated fields, the handshake.

Pure functions over bytes plus one incremental reader, so the server never parses partial reads
itself and garbage from one client is a `FramingError` that closes only that client.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass

SERVER_MIN_VERSION = 157
SERVER_MAX_VERSION = 178
API_SIGN = b"API\0"
# TWS itself refuses messages above 16 MB; ours are far smaller, so a bigger prefix means garbage.
MAX_MESSAGE_SIZE = 1 << 24
# Before the handshake only the version offer and startApi arrive: a few dozen bytes each.
HANDSHAKE_MESSAGE_SIZE = 4096

_LENGTH = struct.Struct(">I")
_VERSION_RANGE = re.compile(r"^v(\d{1,9})(?:\.\.(\d{1,9}))?(?:\s+(.*))?$")


class FramingError(ValueError):
    """The peer sent bytes that are not the TWS API protocol."""


def frame(payload: bytes) -> bytes:
    """Prefix `payload` with its 4-byte big-endian length."""
    return _LENGTH.pack(len(payload)) + payload


def encode_body(fields: Iterable[str]) -> bytes:
    """Message text without the length: every field followed by a NUL (both clients drop the
    piece after the last). A large message may be built from several bodies joined."""
    parts = fields if isinstance(fields, list) else list(fields)
    if not parts:
        return b""
    return ("\0".join(parts) + "\0").encode("ascii", "backslashreplace")


def encode_fields(fields: Iterable[str]) -> bytes:
    """One framed message."""
    return frame(encode_body(fields))


def split_fields(payload: bytes) -> list[str]:
    """The fields of one message body (the trailing NUL's empty tail is dropped)."""
    text = payload.decode("utf-8", "backslashreplace")
    parts = text.split("\0")
    if parts and parts[-1] == "":
        parts.pop()
    return parts


@dataclass(frozen=True)
class VersionRange:
    low: int
    high: int
    options: str = ""


def parse_version_range(payload: bytes) -> VersionRange:
    """The client's `v<min>..<max>[ options]` (sent without a trailing NUL)."""
    text = payload.decode("ascii", "replace").rstrip("\0").strip()
    match = _VERSION_RANGE.match(text)
    if match is None:
        raise FramingError(f"bad version range {text[:40]!r}")
    low = int(match.group(1))
    high = int(match.group(2) or low)
    if low > high:
        raise FramingError(f"bad version range {text[:40]!r}")
    return VersionRange(low, high, match.group(3) or "")


def negotiate_version(
    client: VersionRange, low: int = SERVER_MIN_VERSION, high: int = SERVER_MAX_VERSION
) -> int | None:
    """The highest version both sides support, or None when the ranges do not overlap."""
    version = min(client.high, high)
    return version if version >= max(client.low, low) else None


def handshake_reply(version: int, connection_time: str) -> bytes:
    """The server's answer: exactly two fields, version and connection time."""
    return encode_fields([str(version), connection_time])


class FrameReader:
    """Incremental parser of one client's byte stream: the `API\\0` prefix, then framed messages.

    `feed()` accepts any split of the stream and returns the complete message bodies seen so far.
    `max_size` is the largest message accepted (raised once the handshake is done).
    """

    def __init__(self, max_size: int = MAX_MESSAGE_SIZE, expect_prefix: bool = True) -> None:
        self._buffer = bytearray()
        self.max_size = max_size
        self._need_prefix = expect_prefix

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer += data
        if self._need_prefix:
            if len(self._buffer) < len(API_SIGN):
                if not API_SIGN.startswith(bytes(self._buffer)):
                    raise FramingError("missing API prefix")
                return []
            if self._buffer[: len(API_SIGN)] != API_SIGN:
                raise FramingError("missing API prefix")
            del self._buffer[: len(API_SIGN)]
            self._need_prefix = False
        messages: list[bytes] = []
        while len(self._buffer) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self._buffer)
            if size == 0 or size > self.max_size:
                raise FramingError(f"bad message length {size}")
            end = _LENGTH.size + size
            if len(self._buffer) < end:
                break
            messages.append(bytes(self._buffer[_LENGTH.size : end]))
            del self._buffer[:end]
        return messages
