"""One table-driven codec for the TWS API messages, with the negotiated version as a parameter.

Each message is a spec: a tuple of items (`F` fields, `Const` fixed texts, `If` conditional groups,
`Each` counted lists, `Pairs`/`TagList` tag-value lists, `Conds` order conditions; all in
`spec.py`). Which fields exist at which server version is data: an item names a gate from `GATES`
(`since`: present from that version on; `until`: present only below it). `decode()` walks a
request spec over the fields the client sent, filling ib_async dataclasses; `encode()` walks a
message spec over ib_async dataclasses and plain values. The request and message tables live in
`requests.py` and `messages.py`.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ib_async.contract import TagValue
from ib_async.order import OrderCondition
from ib_async.util import UNSET_DOUBLE, UNSET_INTEGER

from terminal_app.simulator.protocol.messages import MESSAGES
from terminal_app.simulator.protocol.requests import REQUESTS
from terminal_app.simulator.protocol.spec import (
    GATES,
    Conds,
    Const,
    Each,
    F,
    If,
    Kind,
    MessageSpec,
    Pairs,
    TagList,
    present,
)


class DecodeError(ValueError):
    """A request whose fields do not match its layout."""


@dataclass
class Request:
    """A decoded client request: its name, id and values (plain values and dataclasses)."""

    msg_id: int
    name: str
    values: dict[str, Any] = field(default_factory=dict)
    consumed: int = 0
    total: int = 0

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


# ---------------------------------------------------------------- value formatting


def fmt_float(value: Any) -> str:
    if value is None or value == "":
        return ""
    number = float(value)
    if number == UNSET_DOUBLE or math.isnan(number):
        return ""
    if number == math.inf:
        return "Infinite"
    return repr(number) if number != int(number) or abs(number) >= 1e16 else f"{number:.1f}"


def fmt_size(value: Any) -> str:
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value == UNSET_DOUBLE:  # nan or unset
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if value is None or value == "":
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def fmt_int(value: Any) -> str:
    if value is None or value == "" or value == UNSET_INTEGER:
        return ""
    return str(int(value))


def fmt_bool(value: Any) -> str:
    return "1" if value else "0"


def fmt_str(value: Any) -> str:
    return "" if value is None else str(value)


def _fmt_mdsize(value: Any, version: int) -> str:
    """Market-data sizes: ints for sessions below `fractional_md_sizes` (ibapi 9.81)."""
    if version < GATES["fractional_md_sizes"] and value not in (None, ""):
        number = float(value)
        if number == UNSET_DOUBLE or math.isnan(number):
            return ""
        return str(round(number))
    return fmt_size(value)


_FORMAT: dict[str, Callable[[Any], str]] = {
    Kind.STR: fmt_str,
    Kind.INT: fmt_int,
    Kind.FLOAT: fmt_float,
    Kind.BOOL: fmt_bool,
    Kind.SIZE: fmt_size,
}


# TWS reads integer fields as Java ints: anything outside 32 bits is "Error reading request".
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def parse_int(text: str) -> int:
    """A 32-bit integer field ("10", "10.0"); ValueError for what TWS's parser refuses too
    (inf, 1e400, 5,000 digits, 2**63)."""
    if len(text) > 24:  # longer than any float spelling of a 32-bit int
        raise ValueError(f"not a 32-bit integer: {text[:24]}...")
    try:
        value = int(text)
    except ValueError:
        number = float(text)
        if not math.isfinite(number):  # nan, inf, 1e400
            raise ValueError(f"not an integer: {text!r}") from None
        value = int(number)
    if not INT_MIN <= value <= INT_MAX:
        raise ValueError(f"not a 32-bit integer: {text!r}")
    return value


def parse_float(text: str) -> float:
    if text == "Infinite":
        return math.inf
    return float(text)


def parse_bool(text: str) -> bool:
    return text not in ("", "0", "false", "False")


_PARSE: dict[str, Callable[[str], Any]] = {
    Kind.STR: str,
    Kind.INT: parse_int,
    Kind.FLOAT: parse_float,
    Kind.BOOL: parse_bool,
    Kind.SIZE: parse_float,
    Kind.MDSIZE: parse_float,
}


_EMPTY: dict[str, Any] = {
    Kind.STR: "",
    Kind.INT: 0,
    Kind.FLOAT: 0.0,
    Kind.BOOL: False,
    Kind.SIZE: 0.0,
    Kind.MDSIZE: 0.0,
}


# ---------------------------------------------------------------- paths


def _lookup(path: str, scope: Mapping[str, Any]) -> Any:
    head, _, rest = path.partition(".")
    value = scope[head]
    while rest:
        name, _, rest = rest.partition(".")
        value = getattr(value, name)
    return value


def _store(path: str, value: Any, scope: dict[str, Any]) -> None:
    head, sep, rest = path.partition(".")
    if not sep:
        scope[head] = value
        return
    target = scope[head]
    *parents, last = rest.split(".")
    for name in parents:
        target = getattr(target, name)
    setattr(target, last, value)


# ---------------------------------------------------------------- decoding


class _Cursor:
    __slots__ = ("fields", "pos")

    def __init__(self, fields: Sequence[str], pos: int) -> None:
        self.fields = fields
        self.pos = pos

    def take(self) -> str:
        if self.pos >= len(self.fields):
            raise DecodeError(f"message too short ({len(self.fields)} fields)")
        text = self.fields[self.pos]
        self.pos += 1
        return text


def _decode_items(items: Sequence[Any], cur: _Cursor, scope: dict[str, Any], version: int) -> None:
    for item in items:
        if isinstance(item, F):
            if not present(item, version):
                continue
            text = cur.take()
            if text == "" and "." in item.path:
                continue  # "not set": keep the dataclass default
            try:
                value = _PARSE[item.kind](text) if text != "" else _EMPTY[item.kind]
            except ValueError as exc:
                raise DecodeError(f"field {item.path}: {text[:30]!r}") from exc
            _store(item.path, value, scope)
        elif isinstance(item, Const):
            if present(item, version):
                cur.take()
        elif isinstance(item, If):
            if present(item, version) and item.pred(scope, version):
                _decode_items(item.items, cur, scope, version)
        elif isinstance(item, Each):
            count = parse_int(cur.take() or "0") if item.counted else 0
            elements = []
            for _ in range(count):
                element = item.make()
                inner = dict(scope)
                inner["_"] = element
                _decode_items(item.items, cur, inner, version)
                elements.append(element)
            _store(item.path, elements, scope)
        elif isinstance(item, Pairs):
            count = parse_int(cur.take() or "0")
            pairs = [TagValue(cur.take(), cur.take()) for _ in range(count)]
            _store(item.path, pairs, scope)
        elif isinstance(item, TagList):
            text = cur.take()
            tags = [TagValue(*p.split("=", 1)) for p in text.split(";") if "=" in p]
            _store(item.path, tags, scope)
        elif isinstance(item, Conds):
            _decode_conditions(item.path, cur, scope)
        else:  # pragma: no cover - a table bug
            raise TypeError(f"bad spec item {item!r}")


def _decode_conditions(path: str, cur: _Cursor, scope: dict[str, Any]) -> None:
    order = _lookup(path, scope)
    count = parse_int(cur.take() or "0")
    conditions = []
    for _ in range(count):
        cond_type = parse_int(cur.take())
        try:
            cls = OrderCondition.createClass(cond_type)
        except KeyError as exc:
            raise DecodeError(f"unknown order condition type {cond_type}") from exc
        values: list[Any] = [cond_type]
        for fld in dataclasses.fields(cls)[1:]:
            text = cur.take()
            if fld.type in ("bool", bool):
                values.append(parse_bool(text))
            elif fld.type in ("int", int):
                values.append(parse_int(text or "0"))
            elif fld.type in ("float", float):
                values.append(parse_float(text or "0"))
            else:
                values.append(text)
        conditions.append(cls(*values))
    order.conditions = conditions
    if count:
        order.conditionsIgnoreRth = parse_bool(cur.take())
        order.conditionsCancelOrder = parse_bool(cur.take())


def decode(fields: Sequence[str], version: int) -> Request:
    """Decode one client request (its fields, message id first) at the session's version."""
    if not fields:
        raise DecodeError("empty message")
    try:
        msg_id = int(fields[0])
    except ValueError as exc:
        raise DecodeError(f"bad message id {fields[0][:20]!r}") from exc
    spec = REQUESTS.get(msg_id)
    if spec is None:
        raise UnknownRequest(msg_id)
    scope: dict[str, Any] = {name: make() for name, make in spec.roots.items()}
    cur = _Cursor(fields, 1)
    try:
        _decode_items(spec.items, cur, scope, version)
    except DecodeError:
        raise
    except (ValueError, ArithmeticError) as exc:  # a count or condition field that is no number
        raise DecodeError(f"field {cur.pos - 1}: {exc}") from exc
    return Request(msg_id, spec.name, scope, consumed=cur.pos, total=len(fields))


class UnknownRequest(DecodeError):
    def __init__(self, msg_id: int) -> None:
        super().__init__(f"unknown request id {msg_id}")
        self.msg_id = msg_id


# ---------------------------------------------------------------- encoding


def _encode_items(
    items: Sequence[Any], scope: Mapping[str, Any], version: int, out: list[str]
) -> None:
    for item in items:
        if isinstance(item, F):
            if not present(item, version):
                continue
            out.append(_formatter(item.kind, version)(_lookup(item.path, scope)))
        elif isinstance(item, Const):
            if present(item, version):
                out.append(item.text)
        elif isinstance(item, If):
            if present(item, version) and item.pred(scope, version):
                _encode_items(item.items, scope, version, out)
        elif isinstance(item, Each):
            elements = _lookup(item.path, scope) or []
            if item.counted:
                out.append(str(len(elements)))
            _encode_rows(item, elements, scope, version, out)
        elif isinstance(item, Pairs):
            pairs = _lookup(item.path, scope) or []
            out.append(str(len(pairs)))
            for tag, value in pairs:
                out += [fmt_str(tag), fmt_str(value)]
        elif isinstance(item, TagList):
            pairs = _lookup(item.path, scope) or []
            out.append("".join(f"{t}={v};" for t, v in pairs))
        elif isinstance(item, Conds):
            _encode_conditions(_lookup(item.path, scope), out)
        else:  # pragma: no cover - a table bug
            raise TypeError(f"bad spec item {item!r}")


def _encode_rows(
    item: Each, elements: Iterable[Any], scope: Mapping[str, Any], version: int, out: list[str]
) -> None:
    row = _row_plan(item, version)
    if row is not None:  # flat rows (bars, ticks): attribute lookups only
        for element in elements:
            out += [fmt(getattr(element, attr)) if attr else text for text, attr, fmt in row]
        return
    inner = dict(scope)
    for element in elements:
        inner["_"] = element
        _encode_items(item.items, inner, version, out)


def _encode_conditions(order: Any, out: list[str]) -> None:
    conditions = order.conditions or []
    out.append(str(len(conditions)))
    for cond in conditions:
        for value in dataclasses.astuple(cond):
            out.append(fmt_bool(value) if isinstance(value, bool) else fmt_str(value))
    if conditions:
        out += [fmt_bool(order.conditionsIgnoreRth), fmt_bool(order.conditionsCancelOrder)]


# A flat message (plain fields and constants only) compiles to (constant, key, formatter) steps:
# the hot path of tick streaming, several times faster than walking the spec.
_Plan = list[tuple[str, str, Callable[[Any], str]]]
_PLANS: dict[tuple[str, int], tuple[MessageSpec, _Plan | None]] = {}


def _compile(items: Sequence[Any], version: int, prefix: str = "") -> _Plan | None:
    """The plan of `items` if they are all constants and fields `<prefix><attr>`, else None."""
    plan: _Plan = []
    for item in items:
        if isinstance(item, Const):
            if present(item, version):
                plan.append((item.text, "", fmt_str))
        elif isinstance(item, F) and item.path.startswith(prefix):
            attr = item.path[len(prefix) :]
            if "." in attr:
                return None
            if present(item, version):
                plan.append(("", attr, _formatter(item.kind, version)))
        else:
            return None
    return plan


@functools.cache
def _formatter(kind: str, version: int) -> Callable[[Any], str]:
    if kind == Kind.MDSIZE:
        if version >= GATES["fractional_md_sizes"]:
            return fmt_size
        return functools.partial(_fmt_mdsize, version=version)
    return _FORMAT[kind]


_ROW_PLANS: dict[tuple[int, int], _Plan | None] = {}


def _row_plan(item: Each, version: int) -> _Plan | None:
    """A compiled plan for an `Each` whose items are all plain `_.attr` fields or constants."""
    key = (id(item), version)
    if key not in _ROW_PLANS:
        _ROW_PLANS[key] = _compile(item.items, version, "_.")
    return _ROW_PLANS[key]


def encode(name: str, version: int, **values: Any) -> list[str]:
    """The fields (message id first) of server message `name` at the session's version."""
    key = (name, version)
    try:
        spec, plan = _PLANS[key]
    except KeyError:
        spec = MESSAGES[name]
        plan = _compile(spec.items, version)
        _PLANS[key] = spec, plan
    out = [str(spec.msg_id)]
    if plan is not None:
        out += [fmt(values[path]) if path else text for text, path, fmt in plan]
    else:
        _encode_items(spec.items, values, version, out)
    return out


def encode_slices(name: str, version: int, rows: int, **values: Any) -> Iterator[list[str]]:
    """Message `name` in pieces whose concatenation is `encode(name, version, **values)`: the
    fields up to a top-level row list's count, then `rows` rows per piece, then the rest.

    For large replies (history): the caller encodes a few pieces per loop pass, so 100,000 bars
    do not hold the event loop for a second. Rows are read only as their piece is encoded, so a
    lazy sequence spreads its own per-row work the same way.
    """
    spec = MESSAGES[name]
    out = [str(spec.msg_id)]
    for item in spec.items:
        if not (isinstance(item, Each) and item.counted):
            _encode_items((item,), values, version, out)
            continue
        elements = _lookup(item.path, values) or []
        out.append(str(len(elements)))
        rest = iter(elements)
        while batch := list(itertools.islice(rest, rows)):
            yield out
            out = []
            _encode_rows(item, batch, values, version, out)
    yield out
