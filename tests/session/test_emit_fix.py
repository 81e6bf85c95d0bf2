"""Emitting Qt signals from Python must not eat references to True (PySide6 6.12.0 bug)."""

import subprocess
import sys

SCRIPT = """
import sys
import terminal_app.session  # installs the fix
from PySide6.QtCore import QObject, Signal

class A(QObject):
    flag = Signal(bool)
    value = Signal(object)

a = A()
got = []
a.flag.connect(got.append)
before = sys.getrefcount(True) + sys.getrefcount(False)
for _ in range(50_000):
    a.flag.emit(False)
    a.value.emit(None)
got.clear()
print(sys.getrefcount(True) + sys.getrefcount(False) - before)
"""


def test_many_emits_keep_bool_refcounts_balanced() -> None:
    # A subprocess: without the fix the interpreter aborts (bool_dealloc) instead of failing.
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-500:]
    assert abs(int(out.stdout.strip())) < 100
