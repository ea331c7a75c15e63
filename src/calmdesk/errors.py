"""calmdesk's small family of errors, turned into CLI or HTTP messages in one place each."""

from __future__ import annotations


class CalmdeskError(Exception):
    """Base of every error calmdesk raises on purpose; the message is meant for a person."""


class InvalidInput(CalmdeskError):
    """Input that calmdesk cannot use: wrong shape, wrong type, unreadable file."""


class NotFound(CalmdeskError):
    """A record that does not exist (or belongs to another organisation)."""


class Forbidden(CalmdeskError):
    """The caller's role does not allow this."""


class Conflict(CalmdeskError):
    """The request clashes with the current state (a duplicate, an already-decided item)."""


class IntegrityError(CalmdeskError):
    """Stored records no longer match their tamper-evident hash chain."""
