"""Does a slow PostgreSQL query let other green threads run?

Usage: python green_probe.py URL eventlet|gevent|gevent+baraza — prints how
many 10 ms ticks another green thread managed while `SELECT pg_sleep(0.5)` ran.
"""

import sys

url, mode = sys.argv[1], sys.argv[2]
if mode == "eventlet":
    import eventlet

    eventlet.monkey_patch()
    spawn, sleep = eventlet.spawn, eventlet.sleep
else:
    from gevent import monkey

    monkey.patch_all()
    import gevent

    spawn, sleep = gevent.spawn, gevent.sleep

from server.core.store import Store  # noqa: E402
from server.green import patch_database_driver  # noqa: E402

if mode == "gevent+baraza":
    patch_database_driver(url)
store = Store(url)
ticks = 0


def ticker() -> None:
    global ticks
    while True:
        sleep(0.01)
        ticks += 1


with store.reading() as tx:  # open the pooled connection before counting
    tx.connection().exec_driver_sql("SELECT 1")
thread = spawn(ticker)
sleep(0)
ticks = 0
with store.reading() as tx:
    tx.connection().exec_driver_sql("SELECT pg_sleep(0.5)")
thread.kill()
print(ticks)
