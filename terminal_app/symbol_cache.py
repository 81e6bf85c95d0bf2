"""What typed symbols resolved to last time, so a start shows their rows before IB answers.

Keyed by the symbol as typed (upper-cased), each entry is what a watchlist row needs: the
qualified contract's fields, its long name and min tick. An entry only lets a row appear and
subscribe early: the row's symbol is still looked up, and IB's live answer replaces or removes
the entry. One small JSON file in the user's cache dir, written atomically; a damaged one is
kept as `.bak` and the cache starts empty.
"""

import logging
from functools import cache
from pathlib import Path
from typing import Any

from terminal_app.paths import cache_dir
from terminal_app.workspace.files import read_json, write_json_atomic

log = logging.getLogger(__name__)

Entry = dict[str, Any]
VERSION = 1


def _parse(data: Any) -> dict[str, Entry]:
    if data["version"] != VERSION:
        raise ValueError(f"version {data['version']!r}, expected {VERSION}")
    entries = data["symbols"]
    if not all(isinstance(k, str) and isinstance(v, dict) for k, v in entries.items()):
        raise TypeError("symbols must map text to objects")
    return {k: v for k, v in entries.items() if int(v.get("conId") or 0) > 0}


class SymbolCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        loaded = read_json(path, _parse)
        if loaded.problem:
            log.warning("symbol cache: %s", loaded.problem)
        self._entries: dict[str, Entry] = loaded.value or {}

    def get(self, symbol: str) -> Entry | None:
        entry = self._entries.get(symbol.strip().upper())
        return dict(entry) if entry is not None else None

    def record(self, answers: dict[str, Entry | None]) -> None:
        """IB's live answers: an entry per symbol, None for one IB does not know (forgotten).
        One write for the lot."""
        before = dict(self._entries)
        for symbol, entry in answers.items():
            key = symbol.strip().upper()
            if entry is None:
                self._entries.pop(key, None)
            else:
                self._entries[key] = dict(entry)
        if self._entries != before:
            self._save()

    def _save(self) -> None:
        try:
            write_json_atomic(self.path, {"version": VERSION, "symbols": self._entries})
        except OSError as exc:  # a cache that cannot be written costs only time next start
            log.warning("symbol cache not saved to %s: %s", self.path, exc)


@cache
def symbol_cache() -> SymbolCache:
    """The process's one cache (every watchlist shares the file)."""
    return SymbolCache(cache_dir() / "symbols.json")
