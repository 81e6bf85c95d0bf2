"""The connection dialog with bad hosts, ports and client ids (issue 22): Connect says why not
under the fields and the dialog stays open; nothing is requested. Numbers are typed key by key
(the spin boxes refuse what cannot be a number, so an emptied or half-typed field is the case
that matters: Qt's value() still holds the previous number).

Nothing here opens a socket: a refused host never reaches the session.
"""

import random
import string

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSpinBox
from pytestqt.qtbot import QtBot

from terminal_app.session.profiles import CLIENT_ID_MAX, ProfileKind, make_profile
from tests.reliability.conftest_input import tried
from ui.connection_dialog import ConnectionDialog, is_host

BAD_HOSTS = ["not a host", "host:7497", "http://127.0.0.1", "127.0.0.1:7497", "::::", "-a.com"]
BAD_HOSTS += ["a-.com", "a..b", ".", "..", "256.256.256.256", "1234", "10.0.0.1.2", "[::1]"]
BAD_HOSTS += ["a" * 64 + ".com", ("a" * 60 + ".") * 5 + "com", "exa mple.com", "ex_ample.com"]
BAD_HOSTS += ["\x00", "local host", "😀.com", "a/b", "a\\b", "%20", "'; rm -rf /", "*.*.*"]
GOOD_HOSTS = ["127.0.0.1", "localhost", "::1", "gateway", "tws.example.com", "10.0.0.5", "a-b.c."]
#: Keys typed into a spin box: all refused, or a number beyond its range.
TYPED = ["", "-", "-1", "abc", "1e3", "0x1F", "99999999999", "1.5", " ", "½", "١٢"]


def _generated_hosts(count: int) -> list[str]:
    """Names with one character no host name may hold, at a random place."""
    rng = random.Random(22)
    junk = "!\"#$%&'()*+,/:;<=>?@[\\]^_`{|}~"
    out: set[str] = set()
    while len(out) < count:
        name = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 12)))
        at = rng.randrange(len(name) + 1)
        out.add(name[:at] + rng.choice(junk) + name[at:] + rng.choice(["", ".com", ".local"]))
    return sorted(out)


def _dialog(qtbot: QtBot) -> tuple[ConnectionDialog, list[object]]:
    dialog = ConnectionDialog(make_profile(ProfileKind.TWS_PAPER, client_id=7))
    qtbot.addWidget(dialog)
    dialog.open()
    requested: list[object] = []
    dialog.connect_requested.connect(requested.append)
    return dialog, requested


def _typed(qtbot: QtBot, box: QSpinBox, text: str) -> None:
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClick(box, Qt.Key.Key_Backspace)
    qtbot.keyClicks(box, text.encode("ascii", "ignore").decode())


def _refused(dialog: ConnectionDialog, requested: list[object], case: str) -> str:
    dialog.connect_button.click()
    assert requested == [], case
    assert dialog.isVisible(), case
    assert dialog.problem.isVisible() and dialog.problem.text(), case
    return dialog.problem.text()


def test_bad_hosts_are_refused_in_the_dialog(qtbot: QtBot) -> None:
    dialog, requested = _dialog(qtbot)
    hosts = BAD_HOSTS + _generated_hosts(80)
    for host in hosts:
        assert not is_host(host.strip()) or not host.strip(), host
        dialog.host.setText(host)
        if host.strip():
            assert "is not a host name or IP address" in _refused(dialog, requested, host)
    for host in GOOD_HOSTS:
        assert is_host(host), host
    dialog.host.setText("127.0.0.1")
    dialog.connect_button.click()
    assert len(requested) == 1  # the dialog still connects once the host is one
    tried("connection dialog hosts", len(hosts))


def test_bad_ports_and_client_ids_are_refused_in_the_dialog(qtbot: QtBot) -> None:
    dialog, requested = _dialog(qtbot)
    count = 0
    for text in TYPED:
        _typed(qtbot, dialog.port, text)
        if dialog.port.hasAcceptableInput() and dialog.port.value() != 0:
            dialog.port.setValue(7497)  # a real number typed, within range: not a bad input
            continue
        assert "Port must be a number" in _refused(dialog, requested, f"port {text!r}")
        count += 1
    dialog.port.setValue(0)  # "automatic" only means something for the embedded simulator
    assert "Port must be a number" in _refused(dialog, requested, "port 0")
    dialog.port.setValue(7497)
    for text in TYPED:
        _typed(qtbot, dialog.client_id, text)
        if dialog.client_id.hasAcceptableInput():
            continue
        message = _refused(dialog, requested, f"client id {text!r}")
        assert message == f"Client id must be a whole number from 0 to {CLIENT_ID_MAX}"
        count += 1
    tried("connection dialog ports and client ids", count + 1)
