"""Command line of the `ib-terminal` GUI and the connection profile it asks for; parsing only,
so it is testable without Qt (and light: the entry point reads it before Qt loads)."""

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from terminal_app import __version__
from terminal_app.session.profiles import (
    ConnectionProfile,
    ProfileKind,
    builtin_profiles,
    default_profile,
    make_profile,
)


@dataclass(frozen=True)
class LaunchOptions:
    host: str | None = None
    port: int | None = None
    client_id: int | None = None
    profile: str | None = None
    screenshot: Path | None = None
    quit_after: float | None = None
    self_test: bool = False
    startup_report: Path | None = None


def _host_port(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {value!r}")
    return host.strip("[]"), int(port)


#: asyncio on Qt's loop arms a QTimer, which counts milliseconds in a 32-bit int (24.8 days).
MAX_SECONDS = 24 * 86_400


def _seconds(value: str) -> float:
    """A delay in seconds: `nan`, `inf` and delays a timer cannot hold are refused here, not
    found out by quitting at once or by a crash later."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {value!r}") from None
    if not 0 < number <= MAX_SECONDS:  # False for nan
        raise argparse.ArgumentTypeError(
            f"must be more than 0 and at most {MAX_SECONDS} seconds, got {value!r}"
        )
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ib-terminal",
        description="Trading terminal for Interactive Brokers. With no options it starts on the "
        "embedded simulated gateway (paper trading, no TWS needed).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--connect",
        metavar="HOST:PORT",
        type=_host_port,
        help="connect to a running TWS / IB Gateway (e.g. 127.0.0.1:7497 for TWS paper)",
    )
    parser.add_argument("--client-id", type=int, metavar="N", help="API client id")
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="connection profile by name (e.g. 'Simulated (embedded)', 'TWS paper')",
    )
    parser.add_argument(
        "--screenshot", type=Path, metavar="FILE", help="save a PNG of the main window"
    )
    parser.add_argument(
        "--quit-after",
        type=_seconds,
        metavar="SECONDS",
        help="quit after SECONDS (with --screenshot: take it then)",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="start on the embedded gateway, check live data and an order round trip, exit 0/1",
    )
    parser.add_argument(
        "--startup-report",
        type=Path,
        metavar="FILE",
        help="write how long the start took (window, first quote, every watchlist row streaming) "
        "to FILE as JSON, then quit",
    )
    return parser


def parse_args(argv: Sequence[str] | None = None) -> LaunchOptions:
    args = build_parser().parse_args(argv)
    host, port = args.connect if args.connect else (None, None)
    return LaunchOptions(
        host=host,
        port=port,
        client_id=args.client_id,
        profile=args.profile,
        screenshot=args.screenshot,
        quit_after=args.quit_after,
        self_test=args.self_test,
        startup_report=args.startup_report,
    )


def profile_from_options(opts: LaunchOptions) -> ConnectionProfile:
    """`--profile NAME` (a built-in profile's name or kind), `--connect HOST:PORT` (custom
    endpoint), `--client-id N`; nothing given means the embedded simulator."""
    profile = default_profile()
    if opts.profile:
        wanted = opts.profile.strip().casefold()
        found = [p for p in builtin_profiles() if wanted in (p.name.casefold(), p.kind.value)]
        if not found:
            names = ", ".join(repr(p.name) for p in builtin_profiles())
            raise ValueError(f"unknown profile {opts.profile!r}; choose one of {names}")
        profile = found[0]
    if opts.host is not None and opts.port is not None:
        if profile.is_simulated:
            profile = make_profile(ProfileKind.CUSTOM)
        profile = profile.with_(host=opts.host, port=opts.port)
    if opts.client_id is not None:
        profile = profile.with_(client_id=opts.client_id)
    return profile
