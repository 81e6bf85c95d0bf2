"""Work around a PySide6 6.12.0 refcount bug: `SignalInstance.emit()` returns `True` without
taking a reference, so every signal emitted from Python drops one reference to `True`.

On Python 3.11 (bools are not immortal before 3.12) the process aborts with "Fatal Python error:
bool_dealloc" after a few thousand emits — minutes of live quotes. The fix is installed only if a
probe shows the leak, so a fixed PySide6 runs untouched; it wraps `emit` to add the missing
reference to whatever it returned.
"""

import ctypes
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_MARK = "_ib_terminal_refcount_fix"


class _Probe(QObject):
    ping = Signal()


def emit_loses_references() -> bool:
    """True when emitting drops a reference to True/False (the bug is present)."""
    probe = _Probe()
    before = sys.getrefcount(True) + sys.getrefcount(False)
    for _ in range(16):
        probe.ping.emit()
    return sys.getrefcount(True) + sys.getrefcount(False) - before <= -16


def install() -> bool:
    """Patch `SignalInstance.emit` if needed; True when the patch was installed now."""
    if getattr(SignalInstance.emit, _MARK, False) or not emit_loses_references():
        return False
    original: Callable[..., Any] = SignalInstance.emit
    incref = ctypes.pythonapi.Py_IncRef
    incref.argtypes = [ctypes.py_object]
    incref.restype = None

    def emit(self: SignalInstance, *args: Any) -> Any:
        result = original(self, *args)
        incref(result)  # the reference emit() should have returned
        return result

    setattr(emit, _MARK, True)
    SignalInstance.emit = emit  # type: ignore[method-assign]
    return True
