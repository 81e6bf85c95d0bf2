"""A stand-in terminal that saves its workspace and settings in a loop, for SIGKILL tests.

`python -m tests.reliability.save_loop` imports the save code once, then, for every folder it
reads on stdin, forks a saver (a Python start with the session's imports costs about a second on
a loaded machine; a fork, milliseconds) and prints `saving <pid>` once that saver has the first
pair on disk. The saver writes alternately, each time with different content (a large watchlist,
so that a write takes long enough to be cut), until it is killed. The real save paths:
`LayoutStore.save` and `save_settings`. Stdin closed: it reaps its children and exits.
"""

import os
import sys
from pathlib import Path
from typing import NoReturn

from terminal_app.workspace.layout import LayoutStore, PanelEntry, Workspace
from terminal_app.workspace.settings import THEMES, UiSettings, save_settings

WORKSPACE = "Killed"
SETTINGS = "ui.json"
ROWS = 3000


def workspace(generation: int) -> Workspace:
    rows = [{"symbol": f"S{generation}x{n}", "secType": "STK"} for n in range(ROWS)]
    watchlist = PanelEntry("watchlist:1", "left", "red", True, {"lists": [{"rows": rows}]})
    return Workspace(WORKSPACE, [watchlist, PanelEntry("chart:1", state={"gen": generation})])


def settings(generation: int) -> UiSettings:
    return UiSettings(THEMES[generation % len(THEMES)], f"workspace {generation}")


def save_forever(folder: Path) -> NoReturn:
    store = LayoutStore(folder / "ws")
    generation = 0
    while True:
        store.save(workspace(generation))
        save_settings(settings(generation), folder / SETTINGS)
        if generation == 0:
            print(f"saving {os.getpid()}", flush=True)
        generation += 1


def main() -> None:
    for line in sys.stdin:
        if os.fork() == 0:
            save_forever(Path(line.strip()))
        while os.waitpid(-1, os.WNOHANG)[0] > 0:  # reap the savers killed so far
            pass
    while True:
        try:
            os.wait()
        except ChildProcessError:
            return


if __name__ == "__main__":
    main()
