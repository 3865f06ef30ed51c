"""The handbook in code: plain Python over SQLModel sessions, no Reflex import.

Functions take a session and plain values and return plain values. They flush
but never commit: the caller (a state handler, the seed CLI, a test) owns the
transaction. Rule violations raise `DomainError` with a message key that the
state layer turns into the user's language.
"""
