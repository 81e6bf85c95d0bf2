"""The news providers every IB account has without a subscription (TWS lists these three)."""

from __future__ import annotations

from ib_async import NewsProvider

PROVIDERS: tuple[NewsProvider, ...] = (
    NewsProvider("BRFG", "Briefing.com General Market Columns"),
    NewsProvider("BRFUPDN", "Briefing.com Analyst Actions"),
    NewsProvider("DJNL", "Dow Jones Newsletters"),
)
PROVIDER_CODES = frozenset(p.code for p in PROVIDERS)


def provider_codes(text: str) -> frozenset[str]:
    """`BRFG+DJNL` (reqHistoricalNews, generic tick 292:...) -> the known codes it names; empty
    text means all of them."""
    named = {part.strip().upper() for part in text.split("+") if part.strip()}
    return PROVIDER_CODES & named if named else PROVIDER_CODES
