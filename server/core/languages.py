"""The languages Baraza speaks: its pages, its messages and a consultation's own list."""

LANGUAGES = ("en", "fr", "pt", "ar")
