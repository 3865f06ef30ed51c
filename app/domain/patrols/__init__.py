"""Patrols (巡查): checkpoints with QR tags, checklists, routes, plans, the walk, coverage.

Set-up (supervisor / team lead): checkpoints of a grid (a short code and a
signed QR tag each), a checklist per checkpoint copied from the community's
template (hygiene, public order, facilities: the butler's duties in the
handbook), routes through checkpoints, and plans that say when a route is due.

The walk (butler, or the deputy covering the grid): start a due patrol, scan
each checkpoint (QR token, or the typed short code when the camera fails),
take at least one photo there (a scan alone proves little: a photo of the
sticker can be scanned anywhere), tick each item pass or fail; a failed item
becomes a work order. Finishing records the missed checkpoints. The server's
clock is the record. Every write takes a client id, so a retried write is
applied once.

The package:

- `vocabulary`: categories, the default checklist, plan kinds, statuses, the tag code alphabet;
- `common`: lookups scoped to the actor's community;
- `setup`: template, checkpoints and their tags, checklist items, routes, plans;
- `schedule`: when plans are due and which patrols a person walks today;
- `walk`: start, scan (QR or typed code), photos, checklist ticks, finish;
- `field`: the walk sent from the phone's outbox: each queued action once, the phone's time kept;
- `setup_view`: what the set-up screen shows of one grid (typed rows);
- `view`: one patrol as the walk screen and the drill-down show it;
- `coverage`: the supervisor's figures per grid and a grid's patrols.
"""

from __future__ import annotations

from app.domain.patrols import field  # noqa: F401
from app.domain.patrols.common import (  # noqa: F401
    M,
)
from app.domain.patrols.coverage import (  # noqa: F401
    Coverage,
    PatrolRow,
    coverage,
    patrols_of_grid,
)
from app.domain.patrols.schedule import (  # noqa: F401
    DueItem,
    due_at,
    due_today,
    period_of,
    walk_grids,
)
from app.domain.patrols.setup import (  # noqa: F401
    add_checkpoint,
    add_item,
    add_plan,
    add_template_line,
    checkpoint_token,
    items_of,
    reissue_tag,
    save_route,
    set_item_active,
    set_plan_active,
    set_template_line_active,
    stops_of,
    template,
    update_checkpoint,
)
from app.domain.patrols.setup_view import (  # noqa: F401
    CheckpointRow,
    GridChoice,
    LineRow,
    PlanRow,
    RouteRow,
    SetupView,
    setup_view,
)
from app.domain.patrols.view import (  # noqa: F401
    ItemView,
    PatrolView,
    StopView,
    view,
)
from app.domain.patrols.vocabulary import (  # noqa: F401
    CADENCES,
    CATEGORIES,
    CODE_ALPHABET,
    CODE_LEN,
    DAILY,
    DEFAULT_DEPARTMENT,
    DEFAULT_TEMPLATE,
    DONE,
    DUE,
    FACILITIES,
    FINISHED,
    HYGIENE,
    IN_PROGRESS,
    LATE,
    ORDER,
    STARTED,
    VISIT_PHOTO_KIND,
    WEEKDAYS,
    WEEKLY,
)
from app.domain.patrols.walk import (  # noqa: F401
    check,
    finish,
    photo_added,
    scan,
    start,
    visit_subject,
)
