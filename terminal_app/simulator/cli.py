"""`ib-terminal-sim`: the simulated gateway on its own, an offline TWS for your own scripts."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import logging
import signal
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from terminal_app.logging_setup import configure_logging
from terminal_app.paths import data_dir
from terminal_app.simulator.config import SimConfig
from terminal_app.simulator.gateway import SimulatedGateway
from terminal_app.simulator.ownership import StateDirBusy, StateDirLock, stop_when_stdin_closes

log = logging.getLogger("terminal_app.simulator")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ib-terminal-sim",
        description="An offline TWS for your own ib_async or ibapi scripts: a simulated gateway "
        "speaking the TWS API socket protocol with a seeded market and a paper account.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    parser.add_argument("--port", type=int, default=7497, help="port to listen on (0 = any free)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the simulated market")
    parser.add_argument("--speed", type=float, default=1.0, help="simulated seconds per second")
    parser.add_argument(
        "--start",
        default="auto",
        help='simulated start "YYYY-MM-DD HH:MM" (New York time) or "auto" (now during US '
        "regular hours, else 10:00 New York of the most recent weekday)",
    )
    parser.add_argument(
        "--state",
        type=Path,
        default=None,
        help="directory of the paper account's state (default: the user data dir)",
    )
    parser.add_argument(
        "--memory",
        action="store_true",
        help="keep the paper account in memory only: nothing is saved (ignores --state)",
    )
    parser.add_argument("--cash", type=int, default=1_000_000, help="starting cash in USD")
    parser.add_argument("--account", default="DU1234567", help="paper account id")
    parser.add_argument(
        "--watch-stdin",
        action="store_true",
        help="stop when standard input closes (how ib-terminal ties its embedded gateway's life "
        "to its own)",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log every request to the log file (and INFO messages to the console)",
    )
    return parser


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def serve(args: argparse.Namespace) -> int:
    if args.memory:
        return await _serve_locked(args, None)
    state_dir = args.state or data_dir() / "simulator"
    try:
        lock = StateDirLock(state_dir)
    except StateDirBusy as exc:
        print(f"ib-terminal-sim: {exc}", file=sys.stderr)
        return 3
    except OSError as exc:
        print(f"ib-terminal-sim: cannot use the state dir {state_dir}: {exc}", file=sys.stderr)
        return 2
    try:
        return await _serve_locked(args, state_dir)
    finally:
        lock.release()


async def _serve_locked(args: argparse.Namespace, state_dir: Path | None) -> int:
    config = SimConfig(
        seed=args.seed,
        speed=args.speed,
        start=args.start,
        state_dir=state_dir,
        starting_cash=Decimal(args.cash),
        account=args.account,
    )
    if not is_loopback(args.host):
        log.warning(
            "listening on %s: anyone who can reach this address can trade this paper account",
            args.host,
        )
    try:
        gateway = SimulatedGateway(config)
    except (ValueError, OSError) as exc:  # a bad --start or --speed, an unusable --state
        log.debug("gateway set-up failed", exc_info=True)
        print(f"ib-terminal-sim: {exc}", file=sys.stderr)
        return 2
    try:
        port = await gateway.start(args.host, args.port)
    except OSError as exc:
        print(f"ib-terminal-sim: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        await gateway.stop()
        return 2
    # Stoppable before it says it is ready: whoever reads the line may stop it at once.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    if args.watch_stdin:
        stop_when_stdin_closes(loop, stop.set)
    print(
        f"ib-terminal-sim listening on {args.host}:{port} (account {config.account}, "
        f"seed {config.seed}, speed {config.speed:g}, clock {gateway.clock_text()}); "
        "Ctrl-C stops it",
        flush=True,
    )
    try:
        await stop.wait()
    finally:
        with contextlib.suppress(OSError):  # nobody reads our stdout once the terminal died
            print("ib-terminal-sim stopping", flush=True)
        await gateway.stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    target = configure_logging(
        logging.DEBUG if args.verbose else logging.INFO, "ib-terminal-sim.log"
    )
    if args.verbose:
        where = "stderr" if target.problem else target.path
        print(f"ib-terminal-sim: logging every request to {where}", file=sys.stderr)
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and not isinstance(
                handler, logging.FileHandler
            ):
                handler.setLevel(logging.INFO)
    try:
        return asyncio.run(serve(args))
    except KeyboardInterrupt:  # Ctrl-C on platforms without loop signal handlers
        return 0


if __name__ == "__main__":
    sys.exit(main())
