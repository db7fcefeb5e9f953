"""Ids from clients: only numbers a row can have reach a query."""

import pytest

from server.core.ids import MAX_ID, as_id


@pytest.mark.parametrize("value", [1, 42, MAX_ID])
def test_an_id_a_row_can_have_is_kept(value):
    assert as_id(value) == value


@pytest.mark.parametrize("value", [0, -1, MAX_ID + 1, 2**53, 10**20, True, "1", 1.0, None])
def test_anything_else_is_no_id(value):
    assert as_id(value) is None
