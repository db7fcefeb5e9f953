"""Restoring a JSON archive as a new consultation (restore.py)."""
