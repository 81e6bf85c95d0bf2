"""Simulated news: the free providers (BRFG, BRFUPDN, DJNL), seeded stories made from the
simulated prices (`stories`), the desk that finds them by instrument and period (`desk`), and
IB's daily bulletins (`bulletins`). Free of sockets; `handlers/news.py` serves them."""

from terminal_app.simulator.news.desk import NewsDesk
from terminal_app.simulator.news.providers import PROVIDERS, provider_codes
from terminal_app.simulator.news.stories import Story

__all__ = ["PROVIDERS", "NewsDesk", "Story", "provider_codes"]
