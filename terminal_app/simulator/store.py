"""The paper account on disk: what must survive a restart of the simulated gateway.

One SQLite database in WAL mode in the state dir (`--state DIR`). Every engine operation ends in
`commit()`, which writes everything it changed in one transaction, so a process killed at any
moment (SIGKILL included) leaves either the state before or after that operation, never half of it.
A file SQLite cannot read is moved aside (`*.corrupt-<time>`) with an error in the log, and the
account starts fresh.

Kept: positions and cash (the ledger's own state, as an opaque JSON document), working orders
(DAY orders too: they expire when their session ends, restart or not), executions with their
commission reports, the next order id per clientId, permId and execution counters, and the
simulated clock (`saved_clock`). The files are private to their owner (mode 0600).

A write that fails (a value SQLite cannot hold) is retried statement by statement, so one bad
value costs only its own row, never the other clients' orders.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from ib_async import (
    ComboLeg,
    CommissionReport,
    Contract,
    DeltaNeutralContract,
    Execution,
    Order,
    OrderComboLeg,
    OrderState,
    SoftDollarTier,
    TagValue,
)

from terminal_app.simulator.account import Ledger
from terminal_app.simulator.market import Market
from terminal_app.simulator.trading.adapters import LedgerAccount, MarketVenue
from terminal_app.simulator.trading.engine import OrderEngine
from terminal_app.simulator.trading.journal import CompletedOrder, ExecutionRecord, Journal
from terminal_app.simulator.trading.working import SavedOrder, WorkingOrder

log = logging.getLogger(__name__)

FILE_NAME = "paper-account.sqlite3"
SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS next_ids (client_id INTEGER PRIMARY KEY, next_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
    client_id INTEGER NOT NULL, order_id INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (client_id, order_id));
CREATE TABLE IF NOT EXISTS executions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, exec_id TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS completed (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);
"""
COMPLETED_KEPT = 1000
AccountExport = Callable[[], Mapping[str, Any]]
T = TypeVar("T")


@dataclass
class SavedState:
    """Everything `StateStore.load` found; empty for a new account."""

    account: dict[str, Any] | None = None
    orders: list[SavedOrder] = field(default_factory=list)
    executions: list[ExecutionRecord] = field(default_factory=list)
    completed: list[CompletedOrder] = field(default_factory=list)
    next_ids: dict[int, int] = field(default_factory=dict)
    perm_id: int = 0
    exec_seq: int = 0


class StateStore(Journal):
    """The engine's `Journal` backed by SQLite; also loads the saved state at start-up."""

    def __init__(self, state_dir: Path, account_export: AccountExport | None = None) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / FILE_NAME
        self._account_export = account_export
        self._pending: list[tuple[str, tuple[Any, ...]]] = []
        self._account_dirty = False
        self._counters: tuple[dict[int, int], int, int] | None = None
        self._db = self._open()

    def bind_account(self, export: AccountExport) -> None:
        """Where `save_account` gets the ledger's state document from."""
        self._account_export = export

    # ----------------------------------------------------------------- opening

    def _open(self) -> sqlite3.Connection:
        try:
            return self._connect()
        except (sqlite3.DatabaseError, ValueError) as exc:
            self._move_aside(str(exc))
            return self._connect()

    def _move_aside(self, reason: str) -> None:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{datetime.now(UTC):%Y%m%dT%H%M%S}")
        log.error(
            "Paper account state %s is unreadable (%s): moved it to %s and starting a fresh "
            "account",
            self.path,
            reason,
            aside,
        )
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{self.path}{suffix}")
            if part.exists():
                part.rename(Path(f"{aside}{suffix}"))

    def discard(self, reason: str) -> None:
        """The saved state decoded but makes no sense (e.g. the ledger refused it): keep it aside
        and start over with an empty file."""
        self._db.close()
        self._pending.clear()
        self._counters = None
        self._move_aside(reason)
        self._db = self._connect()

    def _connect(self) -> sqlite3.Connection:
        _make_private(self.path)
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            check = db.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {check}")
            db.executescript(_SCHEMA)
            version = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if version is None:
                db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            elif int(version[0]) != SCHEMA_VERSION:
                raise ValueError(f"unknown schema version {version[0]}")
            self._read_all(db)  # every row must decode, or the file counts as corrupt
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        self._db.close()

    # ----------------------------------------------------------------- loading

    def load(self) -> SavedState:
        return self._read_all(self._db)

    def _read_all(self, db: sqlite3.Connection) -> SavedState:
        state = SavedState()
        try:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if "account" in meta:
                state.account = json.loads(meta["account"])
            state.perm_id = int(meta.get("perm_id", 0))
            state.exec_seq = int(meta.get("exec_seq", 0))
            state.next_ids = dict(db.execute("SELECT client_id, next_id FROM next_ids").fetchall())
            state.orders = [
                _saved_order(json.loads(body))
                for (body,) in db.execute("SELECT body FROM orders ORDER BY client_id, order_id")
            ]
            state.executions = [
                _execution_record(json.loads(body))
                for (body,) in db.execute("SELECT body FROM executions ORDER BY seq")
            ]
            state.completed = [
                _completed_order(json.loads(body))
                for (body,) in db.execute("SELECT body FROM completed ORDER BY seq")
            ]
        except (KeyError, TypeError, json.JSONDecodeError) as exc:
            raise ValueError(f"undecodable row: {exc!r}") from exc
        return state

    # ----------------------------------------------------------------- Journal

    def save_order(self, order: WorkingOrder) -> None:
        body = json.dumps(_order_body(order.saved()))
        self._pending.append(
            (
                "INSERT OR REPLACE INTO orders VALUES (?, ?, ?)",
                (order.client_id, order.order_id, body),
            )
        )

    def drop_order(self, key: tuple[int, int]) -> None:
        self._pending.append(("DELETE FROM orders WHERE client_id=? AND order_id=?", key))

    def add_execution(self, record: ExecutionRecord) -> None:
        body = json.dumps(
            {
                "client_id": record.client_id,
                "contract": _dump(record.contract),
                "execution": _dump(record.execution),
                "report": _dump(record.report),
            }
        )
        self._pending.append(
            (
                "INSERT OR IGNORE INTO executions (exec_id, body) VALUES (?, ?)",
                (record.execution.execId, body),
            )
        )

    def add_completed(self, order: CompletedOrder) -> None:
        body = json.dumps(
            {
                "contract": _dump(order.contract),
                "order": _dump(order.order),
                "state": _dump(order.state),
            }
        )
        self._pending.append(("INSERT INTO completed (body) VALUES (?)", (body,)))
        self._pending.append(
            (
                "DELETE FROM completed WHERE seq <= (SELECT MAX(seq) FROM completed) - ?",
                (COMPLETED_KEPT,),
            )
        )

    def save_counters(self, next_ids: dict[int, int], perm_id: int, exec_seq: int) -> None:
        counters = (dict(next_ids), perm_id, exec_seq)
        if counters == self._counters:
            return
        self._counters = counters
        self._pending.extend(
            ("INSERT OR REPLACE INTO next_ids VALUES (?, ?)", item) for item in next_ids.items()
        )
        self._pending.append(("INSERT OR REPLACE INTO meta VALUES ('perm_id', ?)", (str(perm_id),)))
        self._pending.append(
            ("INSERT OR REPLACE INTO meta VALUES ('exec_seq', ?)", (str(exec_seq),))
        )

    def save_account(self) -> None:
        self._account_dirty = True

    def commit(self) -> None:
        if self._account_dirty and self._account_export is not None:
            document = json.dumps(self._account_export(), default=_json_default)
            self._pending.append(("INSERT OR REPLACE INTO meta VALUES ('account', ?)", (document,)))
        self._account_dirty = False
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        try:
            self._write(pending)
        except (sqlite3.Error, OverflowError, ValueError):
            log.exception("saving the paper account failed; retrying statement by statement")
            self._counters = None  # rewritten in full with the next commit
            for statement in pending:
                try:
                    self._write([statement])
                except (sqlite3.Error, OverflowError, ValueError) as exc:
                    log.error("not saved: %s %r: %s", statement[0], statement[1][:2], exc)

    def _write(self, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
        """One transaction: all of `statements` or none."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for sql, params in statements:
                db.execute(sql, params)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def save_clock(self, start: str, epoch: float) -> None:
        """The simulated time now, for a restart with the same `--start` to resume from."""
        document = json.dumps({"start": start, "epoch": epoch})
        self._write([("INSERT OR REPLACE INTO meta VALUES ('clock', ?)", (document,))])


def saved_clock(state_dir: Path | None, start: str) -> float | None:
    """The simulated epoch the gateway last saved in `state_dir` when it ran with this `--start`
    (None for another start, no state dir, a new or unreadable account)."""
    if state_dir is None or not (path := state_dir / FILE_NAME).exists():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key='clock'").fetchone()
        finally:
            db.close()
        saved = json.loads(row[0]) if row else None
        return float(saved["epoch"]) if saved and saved["start"] == start else None
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        return None


def _make_private(path: Path) -> None:
    """Owner-only access to the account file (SQLite creates -wal/-shm with the same mode)."""
    if path.exists():
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{path}{suffix}")
            if part.exists():
                part.chmod(0o600)
    else:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


# --------------------------------------------------------------------- (de)serialisation

_DATETIME = "$datetime"


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return {_DATETIME: value.isoformat()}
    raise TypeError(f"cannot store {type(value).__name__}")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, TagValue):
        return [value.tag, value.value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _dump(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _dump(obj: Any) -> dict[str, Any]:
    """The fields of an ib_async dataclass that differ from their defaults."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if f.default is not dataclasses.MISSING:
            default: Any = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = dataclasses.MISSING
        if default is dataclasses.MISSING or value != default:
            out[f.name] = _plain(value)
    return out


def _load(cls: type[T], data: dict[str, Any], nested: dict[str, Callable[[Any], Any]]) -> T:
    values = {k: (nested[k](v) if k in nested else _revive(v)) for k, v in data.items()}
    return cls(**values)


def _revive(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {_DATETIME}:
        return datetime.fromisoformat(value[_DATETIME])
    return value


def _tag_values(items: list[list[str]]) -> list[TagValue]:
    return [TagValue(tag, value) for tag, value in items]


def _contract(data: dict[str, Any]) -> Contract:
    return _load(
        Contract,
        data,
        {
            "comboLegs": lambda legs: [ComboLeg(**leg) for leg in legs],
            "deltaNeutralContract": lambda d: DeltaNeutralContract(**d) if d else None,
            "secIdList": _tag_values,
        },
    )


def _order(data: dict[str, Any]) -> Order:
    return _load(
        Order,
        data,
        {
            "algoParams": _tag_values,
            "smartComboRoutingParams": _tag_values,
            "orderMiscOptions": _tag_values,
            "orderComboLegs": lambda legs: [OrderComboLeg(**leg) for leg in legs],
            "softDollarTier": lambda d: SoftDollarTier(**d),
            "conditions": lambda items: [],  # the engine refuses conditional orders
        },
    )


def _order_body(saved: SavedOrder) -> dict[str, Any]:
    return {
        "client_id": saved.client_id,
        "order_id": saved.order_id,
        "perm_id": saved.perm_id,
        "contract": _dump(saved.contract),
        "order": _dump(saved.order),
        "placed_at": saved.placed_at.isoformat(),
        "status": saved.status,
        "filled": str(saved.filled),
        "notional": str(saved.notional),
        "last_fill_price": saved.last_fill_price,
        "triggered": saved.triggered,
        "trail_stop": saved.trail_stop,
        "commission": str(saved.commission),
        "children": list(saved.children),
    }


def _saved_order(body: dict[str, Any]) -> SavedOrder:
    return SavedOrder(
        client_id=int(body["client_id"]),
        order_id=int(body["order_id"]),
        perm_id=int(body["perm_id"]),
        contract=_contract(body["contract"]),
        order=_order(body["order"]),
        placed_at=datetime.fromisoformat(body["placed_at"]),
        status=str(body["status"]),
        filled=Decimal(body["filled"]),
        notional=Decimal(body["notional"]),
        last_fill_price=float(body["last_fill_price"]),
        triggered=bool(body["triggered"]),
        trail_stop=body["trail_stop"],
        commission=Decimal(body.get("commission", "0")),
        children=tuple(int(c) for c in body["children"]),
    )


def _completed_order(body: dict[str, Any]) -> CompletedOrder:
    return CompletedOrder(
        contract=_contract(body["contract"]),
        order=_order(body["order"]),
        state=_load(OrderState, body["state"], {}),
    )


def _execution_record(body: dict[str, Any]) -> ExecutionRecord:
    return ExecutionRecord(
        client_id=int(body["client_id"]),
        contract=_contract(body["contract"]),
        execution=_load(Execution, body["execution"], {}),
        report=_load(CommissionReport, body["report"], {}),
    )


def open_engine(
    market: Market, ledger: Ledger, state_dir: Path | None = None
) -> tuple[OrderEngine, StateStore | None]:
    """The gateway's order engine over `market` and `ledger`, with the paper account restored from
    `state_dir` (and journaled there from now on) when one is given."""
    venue, account = MarketVenue(market), LedgerAccount(ledger)
    if state_dir is None:
        return OrderEngine(venue, account), None
    store = StateStore(state_dir)
    state = store.load()
    if state.account is not None:
        try:
            ledger.load(state.account)
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            store.discard(f"the saved account does not load: {exc!r}")
            state = SavedState()
    store.bind_account(ledger.export)
    engine = OrderEngine(venue, account, journal=store)
    engine.restore(
        state.orders,
        state.executions,
        state.next_ids,
        state.perm_id,
        state.exec_seq,
        state.completed,
    )
    log.info(
        "paper account restored from %s: %d working orders, %d executions",
        store.path,
        len(state.orders),
        len(state.executions),
    )
    return engine, store
