"""The ladder's paint rules on a live ES book, counted: a row that changed is read (its texts
built) once per frame, by the frame that found it changed, and the paint draws what that frame
read instead of building the row again; a row marked dirty that did not change is not painted."""

import pytest

from terminal_app.dom.feed import DomFeed
from tests.waiting import wait_until
from ui.dom import ladder_view
from ui.dom.panel import DomPanel


@pytest.mark.asyncio
async def test_a_changed_row_is_read_once_per_frame_and_an_unchanged_one_not_painted(
    es_panel: DomPanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    ladder, feed = es_panel.ladder, es_panel.feed
    assert feed is not None
    feed.changed.disconnect(ladder.mark)  # only this test's marks make frames from now on
    await wait_until(lambda: not ladder._frames.is_active(), 5, "the ladder never went idle")
    index = ladder.window_.index_at(2)
    read: list[int] = []
    painted: list[int] = []

    texts = ladder_view.row_texts

    def counted(feed: DomFeed, index: int) -> tuple[str, ...]:
        read.append(index)
        return texts(feed, index)

    monkeypatch.setattr(ladder_view, "row_texts", counted)
    ladder.rowPainted.connect(painted.append)
    ladder._set_drop(index)  # the drop mark changes the row, not its texts
    await wait_until(lambda: index in painted, 5, "the changed row was not painted")
    assert read == [index] and painted == [index]
    read.clear()
    painted.clear()
    ladder.mark({index})  # dirty, but nothing in it changed
    await wait_until(lambda: read == [index], 5, "the frame never ran")
    await wait_until(lambda: not ladder._frames.is_active(), 5)
    assert painted == []
    feed.changed.connect(ladder.mark)  # as it was: the panel disconnects it on release
