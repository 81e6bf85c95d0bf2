"""A changed price flashes its cell in two steps (bright, then soft, then off): three paints per
change whatever the frame rate, instead of one per frame of a smooth fade."""

from PySide6.QtGui import QColor

FLASH_MS = 600
STEP_MS = FLASH_MS / 2
UP = QColor(38, 166, 91)
DOWN = QColor(214, 69, 65)
_ALPHAS = (150, 70)  # bright, soft
LEVELS = 5  # 0 = no flash; 1, 2 = up bright/soft; 3, 4 = down bright/soft


def level(direction: int, elapsed_ms: float) -> int:
    """The flash level a cell shows `elapsed_ms` after its value moved in `direction`."""
    if not 0 <= elapsed_ms < FLASH_MS:
        return 0
    step = 1 if elapsed_ms < STEP_MS else 2
    return step if direction > 0 else step + 2


def next_step_ms(start_ms: float, now_ms: float) -> float:
    """When a flash that started at `start_ms` next changes level (soft, then off)."""
    return start_ms + STEP_MS if now_ms - start_ms < STEP_MS else start_ms + FLASH_MS


def _tint(index: int) -> QColor | None:
    if index == 0:
        return None
    tint = QColor(UP if index <= 2 else DOWN)
    tint.setAlpha(_ALPHAS[(index - 1) % 2])
    return tint


TINTS: list[QColor | None] = [_tint(i) for i in range(LEVELS)]
