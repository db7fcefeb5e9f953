"""The stakeholder groups as people read them, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext

GROUP_LABELS = {
    "government": lazy_gettext("Government"),
    "private_sector": lazy_gettext("Private sector"),
    "civil_society": lazy_gettext("Civil society"),
    "academia": lazy_gettext("Academia"),
    "technical_community": lazy_gettext("Technical community"),
    "international_organisation": lazy_gettext("International organisation"),
    "other": lazy_gettext("Other"),
}
