"""Static market capitalisation of the simulated stocks, for the scanner's market-cap filters.

Approximate capitalisations in billions of USD at each stock's reference price in
`resources/instruments.json` (late-2024 magnitudes, rounded). The scanner scales them by
last / reference price, as a market cap moves with its share price. ETFs, futures and indices
have none: a market-cap filter excludes them, as TWS's does.
"""

from __future__ import annotations

import math

from terminal_app.simulator.market.instruments import Instrument

_CAP_BILLIONS: dict[str, float] = {
    # mega and large caps
    "AAPL": 3500, "MSFT": 3120, "NVDA": 3430, "TSLA": 800, "AMD": 243, "INTC": 95,
    "AMZN": 2100, "META": 1470, "GOOGL": 2090, "GOOG": 2150, "NFLX": 321, "JPM": 650,
    "BAC": 325, "XOM": 505, "KO": 280, "ABBV": 335, "ABT": 217, "ACN": 219, "ADBE": 212,
    "AIG": 48, "AMGN": 161, "AMT": 93, "AVGO": 795, "AXP": 198, "BA": 116, "BK": 55,
    "BKNG": 159, "BLK": 148, "BMY": 112, "C": 129, "CAT": 189, "CHTR": 54, "CL": 75,
    "CMCSA": 162, "COF": 69, "COP": 136, "COST": 399, "CRM": 316, "CSCO": 231, "CVS": 73,
    "CVX": 287, "DE": 117, "DHR": 174, "DIS": 200, "DUK": 89, "EMR": 71, "F": 44, "FDX": 70,
    "GD": 77, "GE": 195, "GILD": 112, "GM": 61, "GS": 182, "HD": 397, "HON": 143, "IBM": 203,
    "INTU": 182, "ISRG": 185, "JNJ": 373, "KHC": 39, "LIN": 219, "LLY": 760, "LMT": 126,
    "LOW": 147, "MA": 478, "MCD": 211, "MDLZ": 83, "MDT": 113, "MET": 57, "MMM": 71, "MO": 94,
    "MRK": 253, "MS": 210, "NEE": 154, "NKE": 117, "ORCL": 530, "PEP": 220, "PFE": 147,
    "PG": 400, "PM": 202, "PYPL": 85, "QCOM": 178, "RTX": 160, "SBUX": 113, "SCHW": 142,
    "SO": 96, "SPG": 59, "T": 165, "TGT": 60, "TMO": 203, "TMUS": 278, "TXN": 182, "UNH": 543,
    "UNP": 145, "UPS": 111, "USB": 78, "V": 600, "VZ": 177, "WBA": 8, "WFC": 240, "WMT": 707,
    # growth, tech and recent listings
    "PLTR": 137, "UBER": 151, "SHOP": 142, "SNOW": 53, "MU": 111, "AMAT": 144, "LRCX": 97,
    "KLAC": 87, "ADI": 109, "MRVL": 78, "PANW": 128, "CRWD": 86, "NOW": 206, "ABNB": 82,
    "SQ": 53, "COIN": 75, "MSTR": 71, "SMCI": 21, "ARM": 148, "TSM": 985, "ASML": 267,
    "BABA": 216, "PDD": 153, "NIO": 10, "RIVN": 11, "LCID": 7.5, "SOFI": 15, "HOOD": 31,
    "RBLX": 32, "SPOT": 92, "DDOG": 51, "NET": 34, "ZM": 25, "DELL": 91, "HPQ": 35,
    "CMG": 82, "LULU": 39, "DAL": 39, "UAL": 30, "CCL": 33, "OXY": 47, "SLB": 59, "EOG": 75,
    "FCX": 65, "NEM": 52, "DOW": 29,
}  # fmt: skip


def market_cap_millions(inst: Instrument, price: float) -> float | None:
    """Market cap in millions of USD at `price` (the unit of TWS's market-cap filters)."""
    cap = _CAP_BILLIONS.get(inst.symbol) if inst.secType == "STK" else None
    if cap is None or not math.isfinite(price) or price <= 0 or inst.ref_price <= 0:
        return None
    return cap * 1000.0 * price / inst.ref_price
