"""The order layer's settings in `<config>/order-settings.json`: precaution limits, whether the
ticket confirms every order, and named order presets. Written atomically; a damaged file falls
back to the defaults and is kept as `.bak` (see `workspace.files`)."""

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from terminal_app.orders.precautions import Precautions
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
        return cls(limits, bool(data.get("confirm_orders", True)), presets)


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
