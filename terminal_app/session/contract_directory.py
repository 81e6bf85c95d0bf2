"""What the session knows about contracts: qualified details, ambiguous answers' candidates and
market rules, each asked of IB once and kept for the session (or briefly, for candidates)."""

import asyncio
import time
from collections.abc import Callable

from ib_async import IB, Contract, ContractDetails, PriceIncrement

from terminal_app.session import contracts, ib_internals

CANDIDATE_TTL_S = 30.0


class ContractDirectory:
    def __init__(
        self,
        ib: IB,
        timeout: Callable[[], float],
        gate: contracts.Gate,
        require_connection: Callable[[], None],
    ) -> None:
        self._ib = ib
        self._timeout = timeout
        self._gate = gate
        self._require_connection = require_connection
        self._details: dict[int, ContractDetails] = {}  # by conId, from qualify()
        self._market_rules: dict[int, list[PriceIncrement]] = {}  # by rule id
        # by conId: (when, details) of an ambiguous answer's candidates, for a second qualify()
        self._candidates: dict[int, tuple[float, ContractDetails]] = {}

    async def qualify(self, contract: Contract) -> contracts.Contract:
        """A completed copy of `contract`; `contracts.ContractError` says why when not unique.
        Its details are kept: `details(conId)` answers from them without asking IB again.

        A candidate of an ambiguous answer of the last `CANDIDATE_TTL_S` (a futures root's
        front month) is completed from that answer, not asked again: a first start's watchlist
        fits its lookups and subscriptions in one second of IB's message budget."""
        self._require_connection()
        now = time.monotonic()
        recent = self._candidates.pop(contract.conId, None) if contract.conId else None
        if recent is not None and now - recent[0] < CANDIDATE_TTL_S:
            details = recent[1]
            assert details.contract is not None
            qualified = contracts.completed(contract, details.contract)
        else:
            try:
                qualified, details = await contracts.qualify(
                    self._ib, contract, self._timeout(), self._gate
                )
            except contracts.ContractError as exc:
                self._keep_candidates(exc.details, now)
                raise
        self._details[qualified.conId] = details
        return qualified

    def _keep_candidates(self, details: list[ContractDetails], now: float) -> None:
        fresh = {k: v for k, v in self._candidates.items() if now - v[0] < CANDIDATE_TTL_S}
        fresh.update((d.contract.conId, (now, d)) for d in details if d.contract is not None)
        self._candidates = fresh

    def details(self, con_id: int) -> ContractDetails | None:
        """Contract details (minTick, longName, trading hours) of a contract qualified before."""
        return self._details.get(con_id)

    async def market_rule(self, rule_id: int) -> list[PriceIncrement]:
        """A market rule's price increments by price level (reqMarketRule, on an id from the
        contract details' marketRuleIds); empty when IB does not answer in time. Kept: a rule
        does not change within a session."""
        self._require_connection()
        increments = self._market_rules.get(rule_id)
        if increments is None:
            await self._gate()
            try:
                async with asyncio.timeout(self._timeout()):
                    increments = list(await ib_internals.request_market_rule(self._ib, rule_id))
            except TimeoutError:
                return []
            if increments:
                self._market_rules[rule_id] = increments
        return increments

    async def search_symbols(self, pattern: str) -> list[contracts.SymbolMatch]:
        self._require_connection()
        return await contracts.search_symbols(self._ib, pattern, self._timeout(), self._gate)
