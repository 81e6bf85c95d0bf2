"""SIGKILL of the terminal while it saves its workspace and settings leaves files that load: a
process that saves both in a loop (the real save functions, `save_loop`) is killed at random
moments, many times, and after each kill both files load cleanly (no problem reported, no `.bak`
made), with the content of one complete save."""

import asyncio
import os
import random
import signal
import sys
from pathlib import Path

import pytest

from terminal_app.workspace.layout import LayoutStore
from terminal_app.workspace.settings import load_settings
from tests.reliability.save_loop import ROWS, SETTINGS, WORKSPACE
from tests.session.test_embedded_gateway import alive
from tests.waiting import wait_until

pytestmark = pytest.mark.asyncio
KILLS = 30
ROOT = Path(__file__).resolve().parents[2]


def saved_generation(folder: Path) -> int:
    """Both files load cleanly; the generation of the workspace found."""
    loaded = LayoutStore(folder / "ws").load(WORKSPACE)
    assert loaded.problem is None and loaded.value is not None, loaded.problem
    [watchlist, chart] = loaded.value.panels
    assert len(watchlist.state["lists"][0]["rows"]) == ROWS
    settings = load_settings(folder / SETTINGS)
    assert settings.problem is None and settings.value is not None, settings.problem
    assert not list(folder.rglob("*.bak")), "a save was taken for a damaged file"
    return int(chart.state["gen"])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the savers are forked")
async def test_sigkill_during_saves_leaves_loadable_files(tmp_path: Path) -> None:
    chance = random.Random(22)
    forker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.reliability.save_loop",
        cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert forker.stdin is not None and forker.stdout is not None
    generations: set[int] = set()
    try:
        for _kill in range(KILLS):
            forker.stdin.write(f"{tmp_path}\n".encode())
            said = await asyncio.wait_for(forker.stdout.readline(), 30)
            assert said.startswith(b"saving "), said
            await asyncio.sleep(chance.uniform(0.0, 0.1))  # a random moment of the loop
            pid = int(said.split()[1])
            os.kill(pid, signal.SIGKILL)
            await wait_until(lambda pid=pid: not alive(pid), 10)  # type: ignore[misc]
            generations.add(saved_generation(tmp_path))
    finally:
        forker.stdin.close()
        await asyncio.wait_for(forker.wait(), 30)
    assert len(generations) > 1, "every kill met the same save: the loop did not run"
