"""Supervising renovations under way: site checks, rectification, stage gates, hot work, KPIs.

- Site check (butler, engineer, supervisor on the phone): the handbook's list
  (structure, facade, waterproofing, illegal additions, fire safety, hot
  work, hours, noise, waste), each item ok or a violation with a note, photos
  as evidence. Any violation issues a rectification notice with a deadline.
- Re-check: rectified closes the notice; not rectified fails it, records a
  deposit deduction (amount, reason; may be zero) and escalates it.
- Stage gates: works go concealed → waterproofing → finishing. Each
  concealed-works item (structure, water, heating, electrical) is declared
  and inspected before the next one may be declared; the works leave the
  concealed stage only with the items their scope needs passed, and leave
  the waterproofing stage only when every waterproofing area is confirmed.
  While a gate waits, the renovation is on hold (`hold`).
- Hot work needs its own permission: a date window (at most a week, inside
  the planned dates) and a named fire watch; the gate asks `hot_work_allowed`.
- KPIs for the supervisor: violation rate (renovations with a violation per
  household of the community, target < 0.2%), rectification rate (target
  100%), renovations by status and stage, passes active, gate refusals.

The code lives in the package `app.domain.renovation` (`common`, `site_checks`, `stage_gates`, `hot_work`, `work`, `views`, `kpis`); this module keeps the old import name working.
"""

from app.domain.renovation.common import *  # noqa: F403
from app.domain.renovation.hot_work import *  # noqa: F403
from app.domain.renovation.kpis import *  # noqa: F403
from app.domain.renovation.site_checks import *  # noqa: F403
from app.domain.renovation.stage_gates import *  # noqa: F403
from app.domain.renovation.views import *  # noqa: F403
from app.domain.renovation.work import *  # noqa: F403
