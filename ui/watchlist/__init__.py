"""Watchlist dock: live quote tables over the session's tickers."""
