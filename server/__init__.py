"""Baraza: live facilitation for online consultations.

Kept empty on purpose: `python -m server` must patch the standard library for
eventlet or gevent before Flask or any socket module is imported.
"""
