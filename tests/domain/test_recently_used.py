"""The bounded mapping behind the kept counts and the shared views (core/recently_used.py):
what is used is kept, what is used least is let go first."""

from server.core.recently_used import RecentlyUsed


def test_a_value_is_built_once_then_kept():
    recent: RecentlyUsed[str, int] = RecentlyUsed(2)
    builds: list[str] = []

    def build(key: str) -> int:
        builds.append(key)
        return len(builds)

    assert recent.get("a", lambda: build("a")) == (1, False)
    assert recent.get("a", lambda: build("a")) == (1, True)
    assert builds == ["a"]


def test_past_its_size_the_least_recently_used_is_let_go():
    recent: RecentlyUsed[str, str] = RecentlyUsed(2)
    recent.get("a", lambda: "first a")
    recent.get("b", lambda: "first b")
    recent.get("a", lambda: "second a")  # used: "b" is now the least recent

    recent.get("c", lambda: "first c")

    assert recent.get("a", lambda: "third a") == ("first a", True)
    assert recent.get("b", lambda: "second b") == ("second b", False)


def test_a_value_of_none_is_kept_like_any_other():
    recent: RecentlyUsed[str, None] = RecentlyUsed(1)
    recent.get("nothing published", lambda: None)

    assert recent.get("nothing published", lambda: None) == (None, True)
