"""Every SQLAlchemy model, imported here so the metadata is complete (Alembic, tests)."""

from oxship.models.base import Base
from oxship.models.mail import MailMessage
from oxship.models.user import AuthSession, OneTimeToken, TokenPurpose, User

__all__ = ["AuthSession", "Base", "MailMessage", "OneTimeToken", "TokenPurpose", "User"]
