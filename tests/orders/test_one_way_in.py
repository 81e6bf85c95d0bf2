"""Orders reach IB one way: through the order service, whose checks no panel can skip. A panel
that called the session's `place_order` (or ib_async's `placeOrder`) directly would bypass
validation and the precautions; this keeps that from creeping in."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SENDS = re.compile(r"\.(place_order|placeOrder|whatIfOrder\w*)\(")
# The installed-build self-test checks the session's raw order path itself, far from the market.
ALLOWED = {Path("ui/self_test.py")}


def test_no_widget_code_sends_orders_around_the_order_service() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in sorted((ROOT / "ui").rglob("*.py"))
        if path.relative_to(ROOT) not in ALLOWED
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if SENDS.search(line)
    ]
    assert offenders == []
