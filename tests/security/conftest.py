"""Fixtures for the security tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from flask import Flask

from server.app import create_app


@pytest.fixture
def make_app(app: Flask) -> Callable[..., Flask]:
    """Factory: the test application on the same database, with some settings changed."""
    return lambda **settings: create_app(replace(app.config["BARAZA"], **settings))
