"""The old import name of the renovation package's site checks, stage gates, hot work, the work rule, views and KPIs (`app.domain.renovation`).

New code imports the package's modules; this name stays for the callers written before it.
"""

from app.domain.renovation.common import *  # noqa: F403
from app.domain.renovation.hot_work import *  # noqa: F403
from app.domain.renovation.kpis import *  # noqa: F403
from app.domain.renovation.site_checks import *  # noqa: F403
from app.domain.renovation.stage_gates import *  # noqa: F403
from app.domain.renovation.views import *  # noqa: F403
from app.domain.renovation.work import *  # noqa: F403
