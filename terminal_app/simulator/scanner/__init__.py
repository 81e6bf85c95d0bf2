"""The simulated market scanner: TWS's scan codes, locations and filters over the simulated
universe (`catalog`), its parameter document (`parameters`) and the ranking of live quotes
(`ranking`, `snapshot`). Free of sockets; `handlers/scanner.py` streams it."""

from terminal_app.simulator.scanner.parameters import scanner_parameters_xml
from terminal_app.simulator.scanner.ranking import MAX_ROWS, ScanError, ScanQuery, parse_query
from terminal_app.simulator.scanner.snapshot import Snap

__all__ = ["MAX_ROWS", "ScanError", "ScanQuery", "Snap", "parse_query", "scanner_parameters_xml"]
