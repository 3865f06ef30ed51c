"""Errors the domain raises: a message key plus parameters, never prose."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken. `key` names a message in the i18n catalogs."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class Refused(DomainError):
    """The actor is not allowed to do this (missing role, not signed in)."""
