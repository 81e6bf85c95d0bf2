"""Values IB or Qt cannot take are refused where they enter, with a message: client ids outside
IB's range (command line, settings file, profiles, connect dialog) and `--quit-after` delays no
timer can run."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from terminal_app.cli import parse_args
from terminal_app.session.profiles import (
    CLIENT_ID_MAX,
    ConnectionProfile,
    ProfileKind,
    make_profile,
)
from terminal_app.workspace.files import backup_path
from terminal_app.workspace.settings import load_settings
from ui.connection_dialog import ConnectionDialog
from ui.main import profile_from_options

BAD_CLIENT_IDS = [-1, 2**31, 1099511627776, 2**63]


@pytest.mark.parametrize("bad", BAD_CLIENT_IDS)
def test_profiles_refuse_a_client_id_ib_does_not_take(bad: int) -> None:
    with pytest.raises(ValueError, match=f"client id {bad} is not between 0 and {CLIENT_ID_MAX}"):
        make_profile(ProfileKind.TWS_PAPER, client_id=bad)
    with pytest.raises(ValueError, match="client id"):
        ConnectionProfile.from_dict({"kind": "tws_paper", "client_id": bad})
    with pytest.raises(ValueError, match="client id"):
        make_profile(ProfileKind.SIMULATED).with_(client_id=bad)


@pytest.mark.parametrize("bad", BAD_CLIENT_IDS)
def test_command_line_refuses_a_client_id_ib_does_not_take(bad: int) -> None:
    with pytest.raises(ValueError, match="client id"):
        profile_from_options(parse_args(["--client-id", str(bad)]))


@pytest.mark.parametrize("bad", BAD_CLIENT_IDS)
def test_settings_file_with_a_client_id_ib_does_not_take_is_damaged(
    tmp_path: Path, bad: int
) -> None:
    path = tmp_path / "ui.json"
    path.write_text(json.dumps({"last_profile": {"kind": "tws_paper", "client_id": bad}}))
    loaded = load_settings(path)
    assert loaded.value is None
    assert loaded.problem is not None and "kept as ui.json.bak" in loaded.problem
    assert backup_path(path).exists()


@pytest.mark.parametrize("good", [0, 1, CLIENT_ID_MAX])
def test_every_client_id_ib_takes_goes_through_the_connect_dialog(qtbot: QtBot, good: int) -> None:
    dialog = ConnectionDialog(make_profile(ProfileKind.TWS_PAPER, client_id=good))
    qtbot.addWidget(dialog)
    assert (dialog.client_id.minimum(), dialog.client_id.maximum()) == (0, CLIENT_ID_MAX)
    assert dialog.profile().client_id == good
    assert profile_from_options(parse_args(["--client-id", str(good)])).client_id == good


BAD_DELAYS = ["nan", "inf", "-inf", "1e10", "0", "-1", "soon"]


@pytest.mark.parametrize("bad", BAD_DELAYS)
def test_quit_after_refuses_a_delay_no_timer_can_run(
    bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        parse_args(["--quit-after", bad])
    assert stopped.value.code == 2
    assert "argument --quit-after: " in capsys.readouterr().err


ENTRY_POINT_REFUSALS = {
    "client id -1": (["--client-id", "-1"], "ib-terminal: client id -1 is not between 0 and"),
    "quit after nan": (["--quit-after", "nan"], "argument --quit-after: must be more than 0"),
}


@pytest.mark.parametrize(("args", "said"), ENTRY_POINT_REFUSALS.values(), ids=ENTRY_POINT_REFUSALS)
def test_the_terminal_exits_2_with_a_message(tmp_path: Path, args: list[str], said: str) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "IB_TERMINAL_HOME": str(tmp_path)}
    # --quit-after 1 ends the run should the bad value be taken (the old behaviour) instead.
    proc = subprocess.run(
        [sys.executable, "-m", "ui.main", "--quit-after", "1", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert said in proc.stderr
    assert not (tmp_path / "config").exists()  # refused before anything was saved
