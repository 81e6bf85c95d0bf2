"""Connection profiles: where to connect, as whom, and how dangerous it is.

A trader switches between the embedded simulator, paper and live accounts; the profile carries
what the UI must show about that choice (LIVE badge, remote-host warning, read-only).
"""

import ipaddress
from dataclasses import asdict, dataclass, replace
from enum import Enum
from typing import Any

LOOPBACK = "127.0.0.1"
#: TWS reads the client id as a 32-bit signed int (Java `int`); 0 is the master client that can
#: see orders placed in TWS itself; negative ids are refused (ib_async's -1 means "no client").
CLIENT_ID_MAX = 2**31 - 1


class ProfileKind(Enum):
    SIMULATED = "simulated"
    TWS_PAPER = "tws_paper"
    TWS_LIVE = "tws_live"
    GATEWAY_PAPER = "gateway_paper"
    GATEWAY_LIVE = "gateway_live"
    CUSTOM = "custom"


_DEFAULTS: dict[ProfileKind, tuple[str, int, bool]] = {
    # kind: (display name, port, live)
    ProfileKind.SIMULATED: ("Simulated (embedded)", 0, False),
    ProfileKind.TWS_PAPER: ("TWS paper", 7497, False),
    ProfileKind.TWS_LIVE: ("TWS live", 7496, True),
    ProfileKind.GATEWAY_PAPER: ("IB Gateway paper", 4002, False),
    ProfileKind.GATEWAY_LIVE: ("IB Gateway live", 4001, True),
    ProfileKind.CUSTOM: ("Custom", 7497, False),
}
_LIVE_PORTS = frozenset({7496, 4001})


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip()).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ConnectionProfile:
    """One way to connect. `port` 0 with SIMULATED means "pick a free port for the embedded
    gateway". `live` only matters for CUSTOM (the built-in kinds know whether they are live)."""

    kind: ProfileKind
    name: str = ""
    host: str = LOOPBACK
    port: int = 0
    client_id: int = 1
    read_only: bool = False
    account: str = ""  # "" = the only managed account, or the first one
    # Seconds for each connect phase ib_async times (socket, API handshake, start-up fetch,
    # executions): a handshake that stalls fails after this; a whole connect can take ~4x.
    timeout: float = 5.0
    live: bool = False

    def __post_init__(self) -> None:
        if not self.timeout > 0:  # ib_async reads 0 as "wait forever"
            raise ValueError(f"timeout {self.timeout} must be a positive number of seconds")
        if not 0 <= self.client_id <= CLIENT_ID_MAX:  # every way in: CLI, settings, dialog
            raise ValueError(f"client id {self.client_id} is not between 0 and {CLIENT_ID_MAX}")

    @property
    def is_simulated(self) -> bool:
        return self.kind is ProfileKind.SIMULATED

    @property
    def is_live(self) -> bool:
        """Real money: the UI shows a red LIVE badge wherever orders can be sent. A paper
        profile pointed at a live port (e.g. `--profile "TWS paper" --connect host:7496`)
        counts as live: when unsure, say LIVE."""
        if self.is_simulated:
            return False
        return self.live or _DEFAULTS[self.kind][2] or self.port in _LIVE_PORTS

    @property
    def needs_host_warning(self) -> bool:
        """A non-loopback host: the user must acknowledge before the session connects."""
        return not self.is_simulated and not is_loopback(self.host)

    @property
    def endpoint(self) -> str:
        if self.is_simulated:
            return "embedded simulator"
        return f"{self.host}:{self.port}"

    def with_(self, **changes: Any) -> "ConnectionProfile":
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ConnectionProfile":
        """Rebuild from settings; unknown keys are ignored, bad values raise ValueError."""
        kind = ProfileKind(data.get("kind", ProfileKind.SIMULATED.value))
        base = make_profile(kind)
        fields = {
            "name": str,
            "host": str,
            "port": int,
            "client_id": int,
            "read_only": bool,
            "account": str,
            "timeout": float,
            "live": bool,
        }
        changes = {k: conv(data[k]) for k, conv in fields.items() if k in data}
        profile = base.with_(**changes)
        if not 0 <= profile.port <= 65535:
            raise ValueError(f"port {profile.port} out of range")
        return profile


def make_profile(kind: ProfileKind, **changes: Any) -> ConnectionProfile:
    name, port, live = _DEFAULTS[kind]
    return ConnectionProfile(kind=kind, name=name, port=port, live=live).with_(**changes)


def builtin_profiles() -> list[ConnectionProfile]:
    """The profiles the connection dialog offers, default (embedded simulator) first."""
    return [make_profile(kind) for kind in ProfileKind]


def default_profile() -> ConnectionProfile:
    return make_profile(ProfileKind.SIMULATED)
