"""The bounded mapping behind the kept counts and the shared views (core/recently_used.py):
the latest revision of what is used is kept, what is used least is let go first."""

from server.core.recently_used import RecentlyUsed


def test_a_value_is_built_once_then_kept():
    recent: RecentlyUsed[str, int] = RecentlyUsed(2)
    builds: list[str] = []

    def build(key: str) -> int:
        builds.append(key)
        return len(builds)

    assert recent.get("a", 1, lambda: build("a")) == (1, False)
    assert recent.get("a", 1, lambda: build("a")) == (1, True)
    assert builds == ["a"]


def test_past_its_size_the_least_recently_used_is_let_go():
    recent: RecentlyUsed[str, str] = RecentlyUsed(2)
    recent.get("a", 1, lambda: "first a")
    recent.get("b", 1, lambda: "first b")
    recent.get("a", 1, lambda: "second a")  # used: "b" is now the least recent

    recent.get("c", 1, lambda: "first c")

    assert recent.get("a", 1, lambda: "third a") == ("first a", True)
    assert recent.get("b", 1, lambda: "second b") == ("second b", False)


def test_a_later_revision_replaces_the_value_kept_so_a_burst_keeps_one():
    recent: RecentlyUsed[str, str] = RecentlyUsed(2)
    recent.get("other poll", 1, lambda: "its counts")
    for revision in range(1, 6):  # a vote burst: the poll's counts at five revisions
        recent.get("poll", revision, lambda: "counts")

    assert recent.get("poll", 5, lambda: "counted again") == ("counts", True)
    assert recent.get("other poll", 1, lambda: "counted again") == ("its counts", True)
    assert recent.get("poll", 4, lambda: "counted at 4") == ("counted at 4", False)


def test_a_reader_behind_gets_its_own_build_and_leaves_the_later_one_kept():
    recent: RecentlyUsed[str, str] = RecentlyUsed(1)
    recent.get("view", 7, lambda: "as of 7")

    assert recent.get("view", 6, lambda: "as of 6") == ("as of 6", False)
    assert recent.get("view", 7, lambda: "built again") == ("as of 7", True)


def test_a_value_of_none_is_kept_like_any_other():
    recent: RecentlyUsed[str, None] = RecentlyUsed(1)
    recent.get("nothing published", 1, lambda: None)

    assert recent.get("nothing published", 1, lambda: None) == (None, True)
