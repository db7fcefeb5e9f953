"""Cooperative multitasking set-up, called only by the entry modules.

eventlet and gevent must patch the standard library before anything else opens
a socket. psycopg2 is a C driver: eventlet's monkey_patch() already makes it
yield (it installs a wait callback), gevent needs psycogreen for the same
(tests/realtime/test_green_database.py measures both).
"""

from __future__ import annotations


def patch_standard_library(async_mode: str) -> None:
    if async_mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    elif async_mode == "gevent":
        from gevent import monkey

        monkey.patch_all()


def patch_database_driver(async_mode: str, database_url: str) -> None:
    if async_mode == "gevent" and database_url.startswith("postgresql"):
        from psycogreen.gevent import patch_psycopg

        patch_psycopg()
