"""Fixtures of the reliability suite (faults and safety): the whole terminal against a simulated
gateway that counts what reaches it. See `tests/reliability/terminal_under_test.py`."""

from tests.reliability.terminal_under_test import fault_gateway, terminal

__all__ = ["fault_gateway", "terminal"]
