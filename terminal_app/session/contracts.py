"""Contract resolution: turn what a trader typed into exactly one IB contract, or say why not.

ib_async's `qualifyContractsAsync` answers None for both "unknown" and "ambiguous" and logs the
reason; a trader needs the reason on screen (which expiries, which exchanges), so we ask for the
contract details ourselves and word the outcome.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from ib_async import IB, Contract, ContractDetails, RequestError
from ib_async import util as ib_util

from terminal_app.ib_errors import describe

Gate = Callable[[], Awaitable[None]]  # waits for the bulk lane before each request


async def _no_gate() -> None:
    return None


class ContractError(LookupError):
    """No single contract matches; `str(exc)` is the text to show. An ambiguous answer keeps
    its `candidates` and their `details`."""

    def __init__(
        self,
        text: str,
        candidates: list[Contract] | None = None,
        details: list[ContractDetails] | None = None,
    ) -> None:
        super().__init__(text)
        self.candidates = candidates or []
        self.details = details or []


@dataclass(frozen=True)
class SymbolMatch:
    """One row of a symbol search: enough to show the choice and to qualify it."""

    contract: Contract
    description: str
    derivative_sec_types: tuple[str, ...] = ()
    expiries: tuple[str, ...] = field(default=())  # futures: YYYYMMDD of the listed contracts

    @property
    def sec_type(self) -> str:
        return self.contract.secType

    @property
    def exchange(self) -> str:
        return self.contract.primaryExchange or self.contract.exchange

    @property
    def currency(self) -> str:
        return self.contract.currency


def contract_text(c: Contract) -> str:
    parts = [c.localSymbol or c.symbol, c.secType, c.lastTradeDateOrContractMonth]
    parts += [c.exchange or c.primaryExchange, c.currency]
    return " ".join(p for p in parts if p)


async def contract_details(
    ib: IB, contract: Contract, timeout: float, gate: Gate = _no_gate
) -> list[ContractDetails]:
    """Details for a (partial) contract; an IB error becomes a ContractError with its meaning."""
    await gate()
    try:
        # asyncio.timeout, not wait_for: Python 3.11's wait_for returns an answer that arrives
        # as the caller is cancelled, and the cancel is lost (a panel's lookup loop ran on).
        async with asyncio.timeout(timeout):
            return list(await ib.reqContractDetailsAsync(contract))
    except RequestError as exc:
        meaning = describe(exc.code).explanation
        raise ContractError(f"{contract_text(contract)}: {meaning or exc.message}") from exc
    except TimeoutError as exc:
        raise ContractError(
            f"{contract_text(contract)}: no answer to the contract lookup within {timeout:.0f}s"
        ) from exc


async def qualify(
    ib: IB, contract: Contract, timeout: float, gate: Gate = _no_gate
) -> tuple[Contract, ContractDetails]:
    """A copy of `contract` completed by IB (conId set) and its details (min tick, long name,
    hours); ContractError if none or several match."""
    details = await contract_details(ib, contract, timeout, gate)
    if contract.secType:
        details = [d for d in details if d.contract and d.contract.secType == contract.secType] or (
            details
        )
    found = [d.contract for d in details if d.contract is not None]
    if not found:
        raise ContractError(
            f"No contract matches {contract_text(contract)}: check symbol, type, exchange, "
            "currency and expiry."
        )
    if len(found) > 1:
        shown = ", ".join(contract_text(c) for c in found[:8])
        more = f" and {len(found) - 8} more" if len(found) > 8 else ""
        raise ContractError(
            f"{contract_text(contract)} is ambiguous ({len(found)} matches: {shown}{more}); "
            "add the exchange, currency or expiry.",
            candidates=found,
            details=[d for d in details if d.contract is not None],
        )
    return completed(contract, found[0]), details[0]


def completed(contract: Contract, found: Contract) -> Contract:
    """A copy of `contract` completed from IB's answer `found`."""
    result = Contract()
    ib_util.dataclassUpdate(result, contract)
    ib_util.dataclassUpdate(result, found)
    if contract.exchange == "SMART":
        result.exchange = "SMART"  # keep smart routing the user asked for
    return result


async def search_symbols(
    ib: IB, pattern: str, timeout: float, gate: Gate = _no_gate, max_expiry_lookups: int = 3
) -> list[SymbolMatch]:
    """reqMatchingSymbols plus the futures expiries of the first few futures matches."""
    text = pattern.strip()
    if not text:
        raise ContractError("Type a symbol or company name to search.")
    await gate()
    try:
        async with asyncio.timeout(timeout):
            found = await ib.reqMatchingSymbolsAsync(text)
    except RequestError as exc:
        raise ContractError(f"Symbol search for {text!r} failed: {exc.message}") from exc
    except TimeoutError as exc:
        raise ContractError(f"Symbol search for {text!r}: no answer within {timeout:.0f}s") from exc
    descriptions = [d for d in found or [] if d.contract is not None]
    if not descriptions:
        raise ContractError(f"No instrument matches {text!r}.")
    matches: list[SymbolMatch] = []
    lookups = 0
    for desc in descriptions:
        c = desc.contract
        assert c is not None
        derivs = tuple(desc.derivativeSecTypes)
        expiries: tuple[str, ...] = ()
        if (c.secType == "FUT" or "FUT" in derivs) and lookups < max_expiry_lookups:
            lookups += 1
            expiries = await _future_expiries(ib, c, timeout, gate)
        matches.append(SymbolMatch(c, c.description or c.symbol, derivs, expiries))
    return matches


async def _future_expiries(ib: IB, c: Contract, timeout: float, gate: Gate) -> tuple[str, ...]:
    probe = Contract(secType="FUT", symbol=c.symbol, currency=c.currency)
    try:
        details = await contract_details(ib, probe, timeout, gate)
    except ContractError:
        return ()
    dates = {d.contract.lastTradeDateOrContractMonth for d in details if d.contract is not None}
    return tuple(sorted(d for d in dates if d))
