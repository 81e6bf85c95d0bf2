"""What the terminal's own messages (`[app]` rows in Messages) mean and what to do about them.

IB's codes get their meaning from `terminal_app.ib_errors`; the app's messages have no code, so
they are matched on how they begin. The first match wins; anything else gets `UNKNOWN`.
"""

RETRY = "then File → Connect… (Ctrl+Shift+C)"
_MEANINGS = (
    (
        "Connection failed",
        "The terminal could not reach TWS / IB Gateway. Start it, enable Configure → API → "
        f"Settings → 'Enable ActiveX and Socket Clients', check the port, {RETRY}.",
    ),
    (
        "Gateway connection:",
        f"The socket to TWS / IB Gateway failed; the 'Connection failed' row says why, {RETRY}.",
    ),
    (
        "Connection to the gateway lost",
        "TWS / IB Gateway closed the connection; the terminal reconnects by itself (Cancel in "
        "the status bar stops it) and asks for market data again once it is back.",
    ),
    ("Reconnected", "The connection is back; market data and open orders were asked for again."),
    (
        "A connection attempt is already in progress",
        "Wait for it, or press Cancel in the status bar before connecting elsewhere.",
    ),
    (
        "ib_async:",
        "A warning of the IB client library, often a request that got no answer in time; what "
        "it concerns may be missing until it is asked for again.",
    ),
    ("Global cancel sent", "Every open order of the account is being cancelled; see Orders."),
    ("Global cancel not sent", "No order was cancelled; the message says why."),
    (
        "Settings not saved",
        "The settings folder is not writable; the change holds until you quit.",
    ),
    ("Workspace", "About the saved layouts (Workspace menu); nothing else is affected."),
)
UNKNOWN = "Reported by the terminal itself, not by IB."


def app_meaning(text: str) -> str:
    return next((meaning for start, meaning in _MEANINGS if text.startswith(start)), UNKNOWN)
