"""The vocabulary of the message tables: field specs, version gates and spec records.

`requests.py`, `messages.py` and `order_fields.py` build their tables from these items and
`codec.py` walks them. With the item types here, imports run one way: codec -> tables -> spec.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Name -> the first server version at which a field or behaviour exists (simulator-notes §6).
GATES: dict[str, int] = {
    "duration": 158,
    "duration_in_open_order": 159,
    "post_to_ats": 160,
    "auto_cancel_parent": 162,
    "fractional_md_sizes": 163,
    "size_rules": 164,
    "advanced_errors": 166,
    "manual_order_time": 169,
    "peg_best_mid": 170,
    "wsh_filters": 171,
    "wsh_dates": 173,
    "issuer_id": 176,
    "no_fa_profile": 177,
    "pending_price_revision": 178,
}


class Kind:
    """How a field's text maps to a Python value and back."""

    STR = "str"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    SIZE = "size"  # quantities: integral values without ".0"
    MDSIZE = "mdsize"  # market-data sizes: ints below `fractional_md_sizes` (ibapi 9.81 needs it)


Pred = Callable[[Mapping[str, Any], int], bool]


@dataclass(frozen=True)
class F:
    """One field at `path` ("reqId", "contract.symbol", "order.softDollarTier.name")."""

    path: str
    kind: str = Kind.STR
    since: str | None = None
    until: str | None = None


@dataclass(frozen=True)
class Const:
    """A fixed text on output (a version field); skipped on input."""

    text: str
    since: str | None = None
    until: str | None = None


@dataclass(frozen=True)
class If:
    """A group present only when `pred(values, version)` holds."""

    pred: Pred
    items: tuple[Any, ...]
    since: str | None = None
    until: str | None = None


@dataclass(frozen=True)
class Each:
    """A count, then `items` per element of the list at `path`; `make` builds elements on input.

    Inside `items`, paths start with "_." (the current element).
    """

    path: str
    make: Callable[[], Any]
    items: tuple[Any, ...]
    counted: bool = True


@dataclass(frozen=True)
class Pairs:
    """A count, then tag and value per TagValue of the list at `path`."""

    path: str


@dataclass(frozen=True)
class TagList:
    """One field `tag=value;tag=value;` for the TagValue list at `path`."""

    path: str


@dataclass(frozen=True)
class Conds:
    """Order conditions: count, each condition's fields, then ignoreRth and cancelOrder."""

    path: str = "order"


@dataclass(frozen=True)
class RequestSpec:
    name: str
    items: tuple[Any, ...]
    roots: Mapping[str, Callable[[], Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class MessageSpec:
    msg_id: int
    items: tuple[Any, ...]


def present(item: F | Const | If, version: int) -> bool:
    if item.since is not None and version < GATES[item.since]:
        return False
    return not (item.until is not None and version >= GATES[item.until])
