"""Renovations (二次装修): the application and its three-level approval, up to the permit.

An application (`RenovationApplication`) is registered by the desk for a
household and goes through three levels, strictly in order:

    first_review (supervisor, 客服主管 as the customer-service manager)
      → second_review (engineering manager) → sign_off (general manager)

Each level may approve, return with reasons (back to the applicant; the
resubmission starts a new round at first review) or reject. The level a
decision is for is named by the caller (what the screen showed); a decision
for another level than the one the application waits for, or by someone
without that level's role, is refused and audited. The status moves by a
conditional UPDATE on the status and round it was read with, and a decision
row is unique per (application, level, round): two clicks or two managers at
once cannot decide a level twice nor skip one, on SQLite and PostgreSQL.

Sign-off issues the permit (number and a version signed into its QR) and a
pass for every worker. Workers, passes, the deposit and the responsibility
letter live in `app.domain.renovation_passes`; the gate's verdict on a pass
in `app.domain.gate`.
Completion (final acceptance, revisit, refund) lives in
`app.domain.renovation_completion`; site checks, rectifications, stage gates,
hot work and the KPIs in `app.domain.renovation_checks`. Functions flush,
never commit.

The code lives in the package `app.domain.renovation` (`common`, `application`, `approval`); this module keeps the old import name working.
"""

from app.domain.renovation.application import *  # noqa: F403
from app.domain.renovation.approval import *  # noqa: F403
from app.domain.renovation.common import *  # noqa: F403
