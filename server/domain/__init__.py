"""Baraza's rules in plain Python: no Flask, no Socket.IO, no SQL."""
