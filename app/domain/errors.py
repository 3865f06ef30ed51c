"""Errors the domain raises: a message key plus parameters, never prose."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class DomainError(Exception):
    """A rule was broken. `key` names a message in the i18n catalogs.

    The transaction it is raised in is rolled back, so nothing is half-written.
    What must be recorded even so (the audit entry of a refused QR scan) is
    attached with `keeping()`; whoever rolls back applies it in a new transaction.
    """

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
        self.keep: list[Callable[[Any], object]] = []

    def keeping(self, write: Callable[[Any], object]) -> DomainError:
        """Add a write (taking a session) to apply after the rollback; returns self."""
        self.keep.append(write)
        return self


class Refused(DomainError):
    """The actor is not allowed to do this (missing role, not signed in)."""
