"""The simulated gateway: an offline TWS that speaks the TWS API socket protocol.

Public API:
- `gateway.SimulatedGateway(config: SimConfig)`: `port = await gw.start(host="127.0.0.1",
  port=0)`, `gw.port`, `await gw.stop()`; owns `clock`, `universe`, `market`, `ledger`, `engine`
  and the server; `gw.control` (`faults.GatewayControl`) injects faults: `drop_clients`,
  `stop_listening`/`resume_listening`, `set_latency`, `inject_error`, `connectivity_lost`,
  `connectivity_restored`, `farm_blip`, `pause_feed`/`resume_feed`, `flood`,
  `reject_next_orders`, `send_malformed`.
- `config.SimConfig`: seed, speed, start ("auto" or "YYYY-MM-DD HH:MM" New York), state_dir,
  starting_cash, account, and IB's limits (100 lines, 3 depth, 3 tick-by-tick, 60 history
  requests per 10 minutes).
- `cli.main`: the `ib-terminal-sim` command.

Inside: `protocol/` (framing, handshake, one table-driven codec gated on the negotiated version
157..178), `server.py` (accept loop, clientId registry), `connection.py` (one client: batched
output, conflation, pacing), `handlers/` (requests by area), `market/`, `account/`, `trading/`,
`store.py`.
"""
