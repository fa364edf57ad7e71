"""Imports every model module so that Alembic and create_all see all tables."""

from .accounts.models import Organization, User  # noqa: F401
from .achievements.models import Achievement, Inventor, NdaRequest  # noqa: F401
from .core.audit import AuditEntry  # noqa: F401
from .needs.models import Need, NeedTranslation  # noqa: F401
from .uploads.models import Attachment  # noqa: F401
