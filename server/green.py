"""Cooperative multitasking set-up, called only by the entry modules.

eventlet and gevent must patch the standard library before anything else opens
a socket. psycopg2 is a C driver: it yields to other green threads only through
a wait callback. eventlet's monkey_patch() installs one, gevent's does not
(tests/realtime/test_green_database.py measures both); Baraza installs its own
in every mode, which also gives up on a database that stops answering
(core/store.py, `wait_for_database`).
"""

from __future__ import annotations


def patch_standard_library(async_mode: str) -> None:
    if async_mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    elif async_mode == "gevent":
        from gevent import monkey

        monkey.patch_all()


def patch_database_driver(database_url: str) -> None:
    """Make psycopg2 wait through (patched) `select`, with a deadline, in every mode."""
    if database_url.startswith("postgresql"):
        import psycopg2.extensions

        from .core.store import wait_for_database

        psycopg2.extensions.set_wait_callback(wait_for_database)
