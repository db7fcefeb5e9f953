"""What the consultation itself adds to Baraza beyond its core: the Chatham House switch
(installed by server/bootstrap.py)."""

from server.core.commands import calling
from server.core.features import Feature

from . import chatham

FEATURE = Feature(
    "chatham_house",
    commands={"set_chatham_house": calling(chatham.set_chatham_house, "on")},
)
