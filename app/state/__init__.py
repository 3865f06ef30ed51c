"""Reflex states: thin. They check the role (through AppState.authorize), call
one domain function inside a session, commit, and hold only what the screen shows."""
