"""Shared pieces of the bad-input and property tests (issue 22), imported explicitly by them
(not a conftest: the faults suite beside them has its own).

Hypothesis runs with the `ci` profile unless `HYPOTHESIS_PROFILE` names another: derandomized
(the same examples on every run, so a red CI is reproducible and its time bounded), no example
database, no deadline (a loaded 2-core machine makes per-example timing meaningless). `dev` tries
ten times as many examples, with fresh randomness, for a local hunt.
"""

import os
import sys
from collections import Counter

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=1500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

#: Distinct bad inputs tried per surface in this run (printed as each table finishes).
TRIED: Counter[str] = Counter()


def tried(surface: str, count: int) -> None:
    """Count `count` distinct bad inputs for `surface`, and say so in the test output
    (`pytest -s`, or the captured stdout of a failure)."""
    TRIED[surface] += count
    sys.stdout.write(f"\nbad inputs tried: {surface}: {count}\n")
