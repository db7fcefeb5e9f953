"""Every table's module, imported so Alembic and tests see the whole schema."""

from . import models, notes, polls, questions, speakers  # noqa: F401
from .base import Base

metadata = Base.metadata
