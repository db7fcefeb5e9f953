"""The features Baraza runs, in one list, and the one place that installs them.

A feature declares what it adds in a `Feature` (server/core/features.py), most often
in its own `feature.py`: commands, event projections, tally topics, parts of the
snapshot, creation hooks, parts of the report, CSV files and archive tables.
Importing a module registers nothing; `install()` — called by `create_app`, and
by the tests — puts the features listed here into the registries that read them,
replacing whatever was there. So what runs is what this list says, whatever was
imported first: adding a feature is adding its folder and its line here.
"""

from __future__ import annotations

from collections.abc import Sequence

from .archive.restore import FEATURE as ARCHIVE
from .core import commands, events, tallies, unit_of_work
from .core.features import Feature, merged
from .features.agenda.feature import FEATURE as AGENDA
from .features.consultations import service as consultations
from .features.consultations import snapshots
from .features.notes.feature import FEATURE as NOTES
from .features.polls.feature import FEATURE as POLLS
from .features.presence.feature import FEATURE as PRESENCE
from .features.privacy.feature import FEATURE as PRIVACY
from .features.questions.feature import FEATURE as QUESTIONS
from .features.screen.feature import FEATURE as SCREEN
from .features.series.feature import FEATURE as SERIES
from .features.speakers.feature import FEATURE as SPEAKERS
from .realtime.links import FEATURE as LINKS
from .reports import json_archive, model
from .reports.foundation import FEATURE as FOUNDATION

# In this order: snapshot parts merge in it (later keys win), sections of equal order
# sort by key.
FEATURES: tuple[Feature, ...] = (
    FOUNDATION,
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
    PRIVACY,
)


def install(features: Sequence[Feature] = FEATURES) -> None:
    """Install `features` in every registry, replacing what any earlier install put there."""
    commands.install(features)
    events.install(merged(features, "projection", lambda feature: feature.projections))
    tallies.install(features)
    unit_of_work.install(features)
    snapshots.install(features)
    consultations.install(features)
    model.install(features)
    json_archive.install(features)
