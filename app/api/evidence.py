"""HTTP routes for evidence: see app.api."""

from __future__ import annotations
