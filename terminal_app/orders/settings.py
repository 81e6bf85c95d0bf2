"""The order layer's settings in `<config>/order-settings.json`: precaution limits, whether the
ticket confirms every order, and named order presets. Written atomically; a damaged file falls
back to the defaults and is kept as `.bak` (see `workspace.files`)."""

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from terminal_app.orders.algos import ALGOS
from terminal_app.orders.intent import OffsetUnit, OrderType, Side, Tif
from terminal_app.orders.precautions import Precautions
from terminal_app.orders.prices import parse_decimal
from terminal_app.paths import config_dir
from terminal_app.workspace.files import Loaded, read_json, write_json_atomic


@dataclass
class OrderSettings:
    precautions: Precautions = field(default_factory=Precautions)
    confirm_orders: bool = True
    # name -> the ticket's fields (side, quantity, type, tif, offsets…), as the ticket saved them
    presets: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        p = self.precautions
        return {
            "max_order_size": str(p.max_size),
            "max_order_value": str(p.max_value),
            "max_pct_away": str(p.max_pct_away),
            "confirm_orders": self.confirm_orders,
            "presets": self.presets,
        }

    @classmethod
    def from_json(cls, data: Any) -> "OrderSettings":
        if not isinstance(data, dict):
            raise TypeError("order settings must be a JSON object")
        default = Precautions()
        limits = Precautions(
            _positive(data, "max_order_size", default.max_size),
            _positive(data, "max_order_value", default.max_value),
            _positive(data, "max_pct_away", default.max_pct_away),
        )
        presets = data.get("presets", {})
        if not isinstance(presets, dict) or not all(isinstance(v, dict) for v in presets.values()):
            raise TypeError("presets must be an object of objects")
        for name, values in presets.items():
            _check_preset(name, values)
        return cls(limits, bool(data.get("confirm_orders", True)), presets)


_CHOICES = {
    "side": {s.value for s in Side},
    "type": {t.value for t in OrderType},
    "tif": {t.value for t in Tif},
}


def _check_preset(name: str, values: dict[str, Any]) -> None:
    """A preset as the ticket saves it (`OrderForm.values`), or ValueError: an edited or damaged
    one would otherwise fail, or fill in a NaN quantity as 99,999,999,999, when chosen."""
    where = f"preset {name!r}"
    for key, allowed in _CHOICES.items():
        if key in values and values[key] not in allowed:
            raise ValueError(f"{where}: {key} {values[key]!r} is not one of {sorted(allowed)}")
    if values.get("quantity", "") != "":
        _distance(where, "quantity", values["quantity"])
    if not isinstance(values.get("outside_rth", False), bool):
        raise ValueError(f"{where}: outside_rth must be true or false")
    if not isinstance(values.get("order_ref", ""), str):
        raise ValueError(f"{where}: order_ref must be text")
    algo = values.get("algo")
    if algo is not None and not (
        isinstance(algo, dict)
        and algo.get("strategy") in ALGOS
        and isinstance(algo.get("params"), dict)
        and all(isinstance(v, str) for v in algo["params"].values())
    ):
        raise ValueError(f"{where}: algo must name a known algo and its parameters")
    bracket = values.get("bracket")
    if bracket is None:
        return
    if not isinstance(bracket, dict) or not isinstance(bracket.get("trailing", False), bool):
        raise ValueError(f"{where}: bracket must be an object")
    for key in ("take_profit", "stop_loss", "take_profit_2"):
        level = bracket.get(key)
        if level is None:
            continue
        units = {u.value for u in OffsetUnit}
        if not (isinstance(level, list) and len(level) == 2 and level[1] in units):
            raise ValueError(f"{where}: bracket {key} must be [distance, one of {sorted(units)}]")
        _distance(where, f"bracket {key}", level[0])


def _distance(where: str, key: str, value: Any) -> None:
    if not isinstance(value, str | int):
        raise ValueError(f"{where}: {key} must be a number")
    if parse_decimal(str(value), f"{where}: {key}") <= 0:
        raise ValueError(f"{where}: {key} must be more than 0")


def _positive(data: dict[str, Any], key: str, default: Decimal) -> Decimal:
    value = Decimal(str(data.get(key, default)))
    if not value.is_finite() or value <= 0:
        raise ValueError(f"{key} must be a positive number")
    return value


def order_settings_path() -> Path:
    return config_dir() / "order-settings.json"


def load_order_settings(path: Path | None = None) -> Loaded[OrderSettings]:
    return read_json(path or order_settings_path(), OrderSettings.from_json)


def save_order_settings(settings: OrderSettings, path: Path | None = None) -> None:
    write_json_atomic(path or order_settings_path(), settings.to_json())
