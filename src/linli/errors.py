"""One domain error type, mapped once to HTTP 4xx and to form errors."""
from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused an action.

    ``code`` is stable and machine-readable; ``message`` is for people (it is a
    lazy translation, Chinese by default). ``status`` is the HTTP status the API
    and pages map it to.
    """

    status = 409

    def __init__(self, code: str, message, *, details=None):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.details = details or []

    def as_dict(self) -> dict:
        return {"code": self.code, "message": str(self.message), "details": self.details}


class NotAllowed(DomainError):
    """The caller may not do this (authorisation)."""

    status = 403


class InvalidInput(DomainError):
    """The input is malformed; nothing was changed."""

    status = 422


class NotFound(DomainError):
    status = 404
