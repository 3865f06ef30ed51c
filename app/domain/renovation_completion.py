"""Completion of a renovation (竣工): final acceptance, revisit (回访) and the deposit refund.

Final acceptance checks the handbook's list with the as-built drawings (竣工图纸)
attached as evidence photos, nothing left open (rectification notices, stage
gates: the concealed works the scope needs and every waterproofing area), then
revokes every worker pass at once and sets the revisit due within two months.
After the revisit the deposit is refunded less the deductions of failed
re-checks, and the renovation is closed. Functions flush, never commit.

The code lives in the package `app.domain.renovation` (`completion`); this module keeps the old import name working.
"""

from app.domain.renovation.completion import *  # noqa: F403
