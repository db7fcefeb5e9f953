"""What every template may use: the current language and translated labels."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale, lazy_gettext

from .js_messages import translated_messages

GROUP_LABELS = {
    "government": lazy_gettext("Government"),
    "private_sector": lazy_gettext("Private sector"),
    "civil_society": lazy_gettext("Civil society"),
    "academia": lazy_gettext("Academia"),
    "technical_community": lazy_gettext("Technical community"),
    "international_organisation": lazy_gettext("International organisation"),
    "other": lazy_gettext("Other"),
}


def register(app: Flask) -> None:
    @app.context_processor
    def globals_for_templates() -> dict[str, object]:
        return {
            "current_locale": str(get_locale() or "en"),
            "group_label": GROUP_LABELS.get,
            "script_messages": translated_messages,
        }
