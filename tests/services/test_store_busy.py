"""A database whose connections are all busy refuses clearly, instead of failing a command."""

import pytest

from server.core.errors import Unavailable
from server.core.store import Store


@pytest.mark.postgres
def test_a_command_finding_every_connection_busy_is_told_to_try_again(pg_url):
    store = Store(pg_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    try:
        with store.transaction() as holding:
            holding.connection()  # the pool's only connection is taken
            with pytest.raises(Unavailable) as refused, store.transaction() as waiting:
                waiting.connection()
        assert refused.value.code == "try_again"
    finally:
        store.dispose()
