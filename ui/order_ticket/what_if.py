"""The ticket's whatIf preview: commission, margin change and equity after, asked of IB on
demand as an owned task; a newer request replaces an older one."""

import asyncio
from decimal import Decimal

from ib_async import Contract
from PySide6.QtWidgets import QLabel

from terminal_app.orders import OrderService, WhatIf
from terminal_app.orders.intent import OrderIntent
from terminal_app.orders.prices import Quote
from terminal_app.session import OrderRefused
from terminal_app.tasks import TaskOwner


class WhatIfRunner:
    def __init__(self, service: OrderService, tasks: TaskOwner, label: QLabel) -> None:
        self._service = service
        self._tasks = tasks
        self._label = label
        self._task: asyncio.Task[None] | None = None

    def run(self, contract: Contract, intent: OrderIntent, quote: Quote) -> None:
        self.cancel()
        self._label.setText("What if: asking IB…")
        self._task = self._tasks.spawn(self._ask(contract, intent, quote), name="what-if")

    def cancel(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None

    async def _ask(self, contract: Contract, intent: OrderIntent, quote: Quote) -> None:
        try:
            result = await self._service.what_if(contract, intent, quote)
        except OrderRefused as exc:
            self._label.setText(f"What if: {exc}")
        except TimeoutError:
            self._label.setText("What if: IB did not answer")
        except Exception as exc:  # a RequestError from IB: say it, next to the button
            self._label.setText(f"What if: {exc}")
        else:
            self._label.setText(describe(result))


def describe(result: WhatIf) -> str:
    parts = [
        f"Commission {_money(result.commission)}",
        f"Initial margin {_money(result.initial_margin_change, signed=True)}",
        f"Maintenance margin {_money(result.maintenance_margin_change, signed=True)}",
        f"Equity after {_money(result.equity_after)}",
    ]
    text = "What if: " + " · ".join(parts)
    return f"{text}\n{result.warning}" if result.warning else text


def _money(value: Decimal | None, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:+,.2f}" if signed else f"{value:,.2f}"
