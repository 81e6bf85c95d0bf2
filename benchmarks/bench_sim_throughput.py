"""How many messages per second the simulated gateway sustains to one bare ib_async client.

The gateway runs in its own process (so server and client CPU are measured apart) and floods
quote-size ticks at a target rate across a few subscribed instruments; a bare `ib_async.IB` on
plain asyncio only receives and decodes (its message counter is read, nothing else). For each
target rate: messages/s received, and CPU seconds per wall second of server and client.
Baselines side by side: the client's own decode ceiling (pre-encoded ticks fed straight into
`Client._onSocketHasData`, no socket, no server) and the server's encode ceiling (codec + framing
of the same messages, no socket).

Prints a table and one JSON line. `python -m benchmarks bench_sim_throughput`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Sequence

from ib_async import IB, Stock

from benchmarks.gateway_process import START, GatewayProcess, flooding_gateway
from terminal_app.session.ib_internals import messages_received
from terminal_app.simulator.protocol import framing
from terminal_app.simulator.protocol.codec import encode

SYMBOLS = ("AAPL", "MSFT", "NVDA", "TSLA", "AMD", "SPY")


async def _client_run(gateway: GatewayProcess, seconds: float) -> tuple[float, float]:
    ib = IB()
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=1, timeout=10)
    try:
        contracts = await ib.qualifyContractsAsync(*(Stock(s, "SMART", "USD") for s in SYMBOLS))
        for contract in contracts:
            if contract is not None:
                ib.reqMktData(contract)  # type: ignore[arg-type]
        await asyncio.sleep(1.0)  # warm-up: flood credit builds, subscriptions settle
        n0, cpu0, t0 = messages_received(ib), time.process_time(), time.perf_counter()
        gateway.start_window()
        await asyncio.sleep(seconds)
        n1, cpu1, t1 = messages_received(ib), time.process_time(), time.perf_counter()
        return (n1 - n0) / (t1 - t0), (cpu1 - cpu0) / (t1 - t0)
    finally:
        ib.disconnect()


def run_rate(rate: float, seconds: float) -> dict[str, float]:
    with flooding_gateway(rate, START) as gateway:
        received, client_cpu = asyncio.run(_client_run(gateway, seconds))
        server_cpu = gateway.server_cpu()
    return {
        "target_per_s": rate,
        "received_per_s": round(received),
        "server_cpu": round(server_cpu, 3),
        "client_cpu": round(client_cpu, 3),
    }


def client_decode_ceiling(messages: int = 200_000) -> float:
    """Messages/s ib_async's client decodes from bytes alone (ticks for a live ticker)."""
    from ib_async import Contract

    ib = IB()
    client = ib.client
    client._serverVersion = 178
    client.decoder.serverVersion = 178
    client._apiReady = True
    ticker = ib.wrapper.startTicker(1, Contract(conId=1), "mktData")
    assert ticker is not None
    one = b"".join(
        framing.encode_fields(encode("tickSize", 178, reqId=1, tickType=t, size=100 + i))
        for i, t in enumerate((0, 3) * 50)
    )
    chunk = one * 10  # ~1000 messages per read, like a busy socket
    per_chunk = 1000
    started = time.perf_counter()
    for _ in range(messages // per_chunk):
        client._onSocketHasData(chunk)
    return messages / (time.perf_counter() - started)


def server_encode_ceiling(messages: int = 200_000) -> float:
    """Messages/s the codec encodes and frames (the server's per-message CPU, no socket)."""
    started = time.perf_counter()
    for i in range(messages):
        framing.encode_fields(encode("tickSize", 178, reqId=1, tickType=0, size=100 + i % 7))
    return messages / (time.perf_counter() - started)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_sim_throughput", description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="measured window per rate")
    parser.add_argument(
        "--rates",
        default="5000,20000,50000,100000",
        help="flood rates (quote changes per second) to try, comma separated",
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    rates = [float(r) for r in args.rates.split(",") if r.strip()]
    rows = [run_rate(rate, args.seconds) for rate in rates]
    decode = client_decode_ceiling()
    encode_rate = server_encode_ceiling()
    print(f"{'target/s':>10} {'received msg/s':>15} {'server CPU':>11} {'client CPU':>11}")
    for row in rows:
        print(
            f"{row['target_per_s']:>10.0f} {row['received_per_s']:>15,.0f} "
            f"{row['server_cpu']:>11.2f} {row['client_cpu']:>11.2f}"
        )
    best = max(rows, key=lambda r: r["received_per_s"])
    print(f"sustained to one bare ib_async client: {best['received_per_s']:,.0f} msg/s")
    print(f"baseline, ib_async client decode ceiling (no socket): {decode:,.0f} msg/s")
    print(f"baseline, server encode ceiling (codec + framing, no socket): {encode_rate:,.0f} msg/s")
    print(
        json.dumps(
            {
                "benchmark": "sim_throughput",
                "rows": rows,
                "sustained_msgs_per_s": best["received_per_s"],
                "client_decode_ceiling_per_s": round(decode),
                "server_encode_ceiling_per_s": round(encode_rate),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
