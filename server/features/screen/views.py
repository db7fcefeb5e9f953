"""The shared screen's wire shape: what the present view shows now."""

from __future__ import annotations

from typing import TypedDict


class ScreenView(TypedDict):
    """The subject on screen (`agenda`, `question`, `poll`, `floor`, `join`) and which one.

    `id` names the question, poll or turn (its hand) when one is meant, else None;
    `follow` is true while the screen follows the action; `closed` marks a poll's result.
    """

    subject: str
    id: int | None
    follow: bool
    closed: bool


class ShownView(ScreenView):
    """What the screen shows, pushed as the action moves it: `seq` is the log's number
    it was read at (a page keeps the newer of this and a `screen_chosen` event)."""

    seq: int


class ScreenPart(TypedDict):
    """The screen's part of every snapshot."""

    screen: ScreenView
