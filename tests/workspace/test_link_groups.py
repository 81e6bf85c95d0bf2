from ib_async import Stock

from terminal_app.workspace.link_groups import NOT_LINKED, LinkGroups, link_color


def test_publish_reaches_listeners_of_that_colour_with_source() -> None:
    groups = LinkGroups()
    seen: list[tuple[str, str, object]] = []
    groups.symbol_changed.connect(lambda c, contract, src: seen.append((c, contract.symbol, src)))
    source = object()
    groups.publish("red", Stock("AAPL", "SMART", "USD"), source)
    groups.publish(NOT_LINKED, Stock("MSFT", "SMART", "USD"))
    assert seen == [("red", "AAPL", source)]
    current = groups.current("red")
    assert current is not None and current.symbol == "AAPL"
    assert groups.current("blue") is None


def test_active_colour_ignores_not_linked_and_unknown() -> None:
    groups = LinkGroups()
    changes: list[str] = []
    groups.active_color_changed.connect(changes.append)
    groups.set_active_color("blue")
    groups.set_active_color(NOT_LINKED)
    groups.set_active_color("no-such-colour")
    assert groups.active_color == "blue"
    assert changes == ["blue"]
    assert link_color("mauve").key == NOT_LINKED
