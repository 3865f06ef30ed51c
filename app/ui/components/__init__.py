"""Shared components: the phone and desk shells, cards, badges, messages."""
