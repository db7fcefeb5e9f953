"""The languages Baraza speaks: its pages, its messages and a consultation's own list."""

LANGUAGES = ("en", "fr", "pt", "ar")
# Each language's name in itself, as the language switcher shows it.
NAMES = {"en": "English", "fr": "Français", "pt": "Português", "ar": "العربية"}
