"""Every table's module, imported so Alembic and tests see the whole schema."""

from server.core import models  # noqa: F401
from server.core.base import Base
from server.features.notes import models as notes  # noqa: F401
from server.features.polls import models as polls  # noqa: F401
from server.features.publication import models as publication  # noqa: F401
from server.features.questions import models as questions  # noqa: F401
from server.features.series import models as series  # noqa: F401
from server.features.speakers import models as speakers  # noqa: F401

metadata = Base.metadata
