"""The publication's wire shapes: what everyone's snapshot says is public."""

from __future__ import annotations

from typing import TypedDict


class PublicationView(TypedDict):
    """The public pages' paths on this server (None: not published)."""

    report: str | None
    moderation: str | None


class PublicationPart(TypedDict):
    publication: PublicationView
