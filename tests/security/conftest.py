"""Fixtures for the security tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask

from server.app import create_app
from server.config import Config


@pytest.fixture
def make_app(sqlite_url: str, tmp_path) -> Callable[..., Flask]:
    """Factory: the test application (threading, SQLite) with some settings changed."""

    def make(**settings: Any) -> Flask:
        config = Config(
            database_url=sqlite_url,
            secret_key="test-secret",
            async_mode="threading",
            public_url="http://localhost",
            instance_path=str(tmp_path),
            testing=True,
        )
        return create_app(replace(config, **settings))

    return make
