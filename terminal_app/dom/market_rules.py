"""The ladder's tick grid from the contract's market rule: IB lists one rule id per valid
exchange in the contract details (`marketRuleIds` beside `validExchanges`); the rule of the
exchange the contract routes to gives the increments by price level (reqMarketRule)."""

from __future__ import annotations

from ib_async import Contract, ContractDetails

from terminal_app.dom.tick_grid import TickGrid
from terminal_app.session.broker import BrokerSession


def rule_id(details: ContractDetails, exchange: str) -> int | None:
    """The rule id for `exchange` (the first one when it is not listed); None without rules."""
    ids = [part.strip() for part in (details.marketRuleIds or "").split(",")]
    exchanges = [part.strip() for part in (details.validExchanges or "").split(",")]
    chosen = ids[exchanges.index(exchange)] if exchange in exchanges[: len(ids)] else ids[0]
    return int(chosen) if chosen.isdigit() else None


async def ladder_grid(session: BrokerSession, contract: Contract) -> TickGrid:
    """The grid the ladder uses: the market rule's when there is one, else the min tick."""
    details = session.details(contract.conId)
    min_tick = details.minTick if details is not None else 0.0
    rule = rule_id(details, contract.exchange) if details is not None else None
    if rule is None:
        return TickGrid.from_min_tick(min_tick)
    increments = await session.market_rule(rule)
    return TickGrid.from_rule(((i.lowEdge, i.increment) for i in increments), min_tick)
