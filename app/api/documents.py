"""HTTP routes for documents: see app.api."""

from __future__ import annotations
