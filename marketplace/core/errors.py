"""Typed errors that services raise and routes turn back into form messages."""

from __future__ import annotations


class ServiceError(Exception):
    """Base for errors a user can fix; the message is already translated."""


class ValidationFailed(ServiceError):
    """One or more fields are wrong: a list of (field name or None, message)."""

    def __init__(self, errors: list[tuple[str | None, str]]):
        self.errors = errors
        super().__init__("; ".join(str(m) for _, m in errors))


class InvalidTransition(ServiceError):
    """The action is not allowed from the object's current state."""


class PermissionDenied(ServiceError):
    """The actor may not do this to this object."""


class StaleObject(ServiceError):
    """Someone else changed the object since the page was loaded."""
