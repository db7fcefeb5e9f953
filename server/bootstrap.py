"""The features Baraza runs, in one list, and the one place that wires them.

A feature declares what it adds in a `Feature` (server/core/features.py), most often
in its own `feature.py`: commands, event projections, tally topics, parts of the
snapshot, creation hooks, parts of the report, CSV files and archive tables.
Importing a module registers nothing, and there is no module-level registry:
`wire()` makes one immutable `Wiring` (server/core/wiring.py) of the features listed
here, which `create_app` puts on the application's `Core` (`core.wiring`) and the
tests on theirs. So what runs is what this list says, whatever was imported first,
and two cores wired with different lists never see each other's parts: adding a
feature is adding its folder and its line here.
"""

from __future__ import annotations

from collections.abc import Sequence

from .archive.restore import FEATURE as ARCHIVE
from .core.features import Feature
from .core.wiring import Wiring
from .features.agenda.feature import FEATURE as AGENDA
from .features.consultations.feature import FEATURE as CONSULTATIONS
from .features.integrity.feature import FEATURE as INTEGRITY
from .features.invitations.feature import FEATURE as INVITATIONS
from .features.notes.feature import FEATURE as NOTES
from .features.polls.feature import FEATURE as POLLS
from .features.presence.feature import FEATURE as PRESENCE
from .features.privacy.feature import FEATURE as PRIVACY
from .features.publication.feature import FEATURE as PUBLICATION
from .features.questions.feature import FEATURE as QUESTIONS
from .features.screen.feature import FEATURE as SCREEN
from .features.series.feature import FEATURE as SERIES
from .features.speakers.feature import FEATURE as SPEAKERS
from .realtime.links import FEATURE as LINKS

# In this order: snapshot parts merge in it (later keys win), sections of equal order
# sort by key.
FEATURES: tuple[Feature, ...] = (
    CONSULTATIONS,
    ARCHIVE,
    LINKS,
    AGENDA,
    QUESTIONS,
    POLLS,
    SPEAKERS,
    NOTES,
    PRESENCE,
    SCREEN,
    SERIES,
    INVITATIONS,
    PUBLICATION,
    INTEGRITY,
    PRIVACY,
)


def wire(features: Sequence[Feature] = FEATURES) -> Wiring:
    """Every table `features` fill (commands, projections, topics, …), for one `Core`."""
    return Wiring.of(features)
