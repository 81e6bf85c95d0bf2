"""Black-Scholes-Merton with a continuous dividend yield: prices, greeks and implied volatility.

With the yield ``q`` this is Black-76 on the forward ``F = S·e^((r-q)T)``, which is how index
options are priced; stock options use the stock's yield. European exercise throughout (IB's own
model for American stock options differs by the early-exercise premium, small for calls on
low-yield stocks and for the short expiries the simulator lists). ``statistics.NormalDist`` gives
the normal CDF/PDF, so no numerical library is needed for some thirty lines of formulas.

Greeks are in IB's units (``tickOptionComputation``): vega per 1 volatility point (0.01), theta
per calendar day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

_N = NormalDist()
MIN_YEARS = 1.0 / (365.0 * 24.0 * 60.0)  # a minute: below it the option is worth its payoff
MIN_VOL, MAX_VOL = 0.005, 5.0
DAYS_PER_YEAR = 365.0


@dataclass(frozen=True)
class Greeks:
    price: float
    delta: float
    gamma: float
    vega: float
    theta: float
    pv_dividend: float


def _payoff(is_call: bool, spot: float, strike: float) -> float:
    return max(spot - strike, 0.0) if is_call else max(strike - spot, 0.0)


def price_and_greeks(
    is_call: bool, spot: float, strike: float, years: float, vol: float, rate: float, div: float
) -> Greeks:
    """Value and sensitivities of a European option on ``spot`` (dividend yield ``div``)."""
    pv_div = spot * (1.0 - math.exp(-div * max(years, 0.0)))
    if years < MIN_YEARS or vol <= 0.0:
        itm = (spot > strike) if is_call else (spot < strike)
        delta = (1.0 if is_call else -1.0) if itm else 0.0
        return Greeks(_payoff(is_call, spot, strike), delta, 0.0, 0.0, 0.0, pv_div)
    root_t = math.sqrt(years)
    disc_r, disc_q = math.exp(-rate * years), math.exp(-div * years)
    d1 = (math.log(spot / strike) + (rate - div + 0.5 * vol * vol) * years) / (vol * root_t)
    d2 = d1 - vol * root_t
    pdf = _N.pdf(d1)
    gamma = disc_q * pdf / (spot * vol * root_t)
    vega = spot * disc_q * pdf * root_t
    decay = -spot * disc_q * pdf * vol / (2.0 * root_t)
    if is_call:
        price = spot * disc_q * _N.cdf(d1) - strike * disc_r * _N.cdf(d2)
        delta = disc_q * _N.cdf(d1)
        theta = decay - rate * strike * disc_r * _N.cdf(d2) + div * spot * disc_q * _N.cdf(d1)
    else:
        price = strike * disc_r * _N.cdf(-d2) - spot * disc_q * _N.cdf(-d1)
        delta = -disc_q * _N.cdf(-d1)
        theta = decay + rate * strike * disc_r * _N.cdf(-d2) - div * spot * disc_q * _N.cdf(-d1)
    return Greeks(max(price, 0.0), delta, gamma, vega / 100.0, theta / DAYS_PER_YEAR, pv_div)


def implied_vol(
    is_call: bool, price: float, spot: float, strike: float, years: float, rate: float, div: float
) -> float | None:
    """The volatility that reprices ``price``: Newton steps on vega, kept inside a bracket that
    bisection narrows when a step would leave it (a handful of evaluations, not sixty);
    None when no volatility does (below intrinsic value, above the spot, or expired)."""
    if years < MIN_YEARS or price <= 0.0:
        return None
    low, high = MIN_VOL, MAX_VOL
    args = (is_call, spot, strike, years)
    if not (
        price_and_greeks(*args, low, rate, div).price
        <= price
        <= price_and_greeks(*args, high, rate, div).price
    ):
        return None
    vol = 0.3
    for _ in range(60):
        g = price_and_greeks(*args, vol, rate, div)
        diff = g.price - price
        if abs(diff) < 1e-9 * max(price, 1.0):
            return vol
        if diff < 0:
            low = vol
        else:
            high = vol
        step = diff / (g.vega * 100.0) if g.vega > 0 else math.inf
        vol = vol - step if low < vol - step < high else 0.5 * (low + high)
        if high - low < 1e-10:
            break
    return vol
