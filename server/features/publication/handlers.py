"""Publishing's commands, from the console and the rapporteur's page.

Moderator or rapporteur → `publish_report` / `withdraw_report`; moderator →
`publish_moderation_page` / `withdraw_moderation_page`. Every audience gets the
event (`report_published {"path"}`, `report_withdrawn`, `moderation_page_published
{"path"}`, `moderation_page_withdrawn`).
"""

from __future__ import annotations

from server.core.commands import Handler, calling

from . import service as publication

# The commands this feature answers, installed by server/bootstrap.py.
COMMANDS: dict[str, Handler] = {
    "publish_report": calling(publication.publish_report),
    "withdraw_report": calling(publication.withdraw_report),
    "publish_moderation_page": calling(publication.publish_moderation_page),
    "withdraw_moderation_page": calling(publication.withdraw_moderation_page),
}
