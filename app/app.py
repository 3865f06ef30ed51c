"""Builds the Reflex app: pages, head (PWA manifest), overlay and API routes."""

import reflex as rx

from app.db import models  # noqa: F401  (tables on SQLModel.metadata, which `reflex db` reads)

app = rx.App()
