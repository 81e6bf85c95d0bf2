"""TWS's 50 messages/s limit for one client, counted fairly when the loop can stall.

TWS reads in its own process as messages arrive. This gateway may share its loop with the
client (embedded), and a stalled loop hands it in one read what the client spread over a second
or more (a workspace switch got error 100 at 35 sent/s). So a message counts at the earliest
time it can have been sent: shortly before the loop was last seen awake (an awake loop reads
what arrives; not the previous read, which may have come late in a stalled pass and missed what
was sent just before it), after the message before it, and a second after the one
`MAX_MESSAGES_PER_S` before it. Only when that time is still ahead at the time of the read did
the client provably exceed the limit; with an awake loop this is a sliding one-second window
over arrival times, give or take a quarter of a second.
"""

import time
from collections import deque

# TWS allows 50 messages per second from one client (ib_async paces itself to 45).
MAX_MESSAGES_PER_S = 50
# How often the loop is noted awake, and how late such a note may come and still count: a later
# one means the loop was stalled.
AWAKE_CHECK_S = 0.1
AWAKE_LATE_S = 0.05


class MessageRate:
    def __init__(self) -> None:
        self.awake_at = 0.0  # time.monotonic() when the loop was last seen awake
        self._awake_due = 0.0
        self._paced: deque[float] = deque(maxlen=MAX_MESSAGES_PER_S)  # earliest send times

    def start(self) -> None:
        self._awake_due = time.monotonic()

    def note_awake(self) -> float:
        """Call every AWAKE_CHECK_S (returns that delay). Counts unless over AWAKE_LATE_S late
        (the loop was stalled, and may not have read yet what arrived meanwhile); on time, any
        stall since the previous call was shorter than both together."""
        now = time.monotonic()
        if now - self._awake_due <= AWAKE_LATE_S:
            self.awake_at = now
        self._awake_due = now + AWAKE_CHECK_S
        return AWAKE_CHECK_S

    def admit(self, read_at: float) -> bool:
        """One message of the read that returned at `read_at`: False if it is over the limit
        (TWS drops it)."""
        paced = self._paced
        earliest = max(self.awake_at - AWAKE_CHECK_S - AWAKE_LATE_S, paced[-1] if paced else 0.0)
        if len(paced) == MAX_MESSAGES_PER_S:
            earliest = max(earliest, paced[0] + 1.0)
        if earliest > read_at:
            return False
        paced.append(earliest)
        return True
