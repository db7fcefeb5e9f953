"""What every template may use: the current language, the lists the rules define
(languages, stakeholder groups) and translated labels."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale

from server.core.languages import LANGUAGES, NAMES
from server.features.consultations.countries import choices
from server.features.consultations.labels import GROUP_LABELS
from server.features.consultations.rules import STAKEHOLDER_GROUPS

from .js_messages import translated_messages


def register(app: Flask) -> None:
    @app.context_processor
    def globals_for_templates() -> dict[str, object]:
        return {
            "current_locale": str(get_locale() or "en"),
            "languages": [(code, NAMES[code]) for code in LANGUAGES],
            "stakeholder_groups": STAKEHOLDER_GROUPS,
            "group_label": GROUP_LABELS.get,
            "country_choices": lambda region: choices(str(get_locale() or "en"), region),
            "script_messages": translated_messages,
        }
