"""Requests and complaints (报修 / 投诉): intake, lifecycle, time limits, follow-up.

One register line (`ServiceRequest`) per request from any channel. Its life:

    received → classified → dispatched → accepted → on_site → resolved
             → followed_up → closed            (reopened → dispatched)

- Intake is open 24 hours; the household decides the grid and so the butler.
  A request that is not ours is still registered: it is closed at
  classification with the explanation given and the channel the resident was
  referred to.
- A major complaint notifies every assistant manager, who must acknowledge it.
- Time limits (`RequestLimits`, handbook defaults): triage (classified and
  dispatched) within `classify_minutes`; a technician on site within
  `arrival_minutes` of dispatch (measured from the arrival record); a minor
  repair resolved within `minor_resolve_minutes` of arrival; an urgent repair
  before the end of the day it came in; anything else by the reply time
  agreed with the resident; the follow-up within `follow_up_hours` of the
  resolution. The deadline of the current stage is kept in `due_at`; when it
  passes, `sweep_overdue` escalates it to the supervisors once per deadline.
- Every valid complaint (ours, a repair or a complaint) is followed up before
  it may close; an unsatisfied resident reopens it.
- The resident holds a private, unguessable link (only its hash is stored) to
  see the status of their own request and add information.

Every change writes a `RequestEvent` (the status history) and an audit entry.

The package, one module per part of that life:

- `vocabulary`: channels, categories, statuses, departments, sizes;
- `time_limits`: the community's limits and each stage's deadline;
- `register`: the register line itself (shared steps: move, event, notify);
- `intake`: registering from the desk, the resident page and patrol findings;
- `butler_intake`: what a resident told the butler on her walk, registered on her phone (her grids only);
- `lifecycle`: classification, dispatch, the technician's steps, follow-up, closing;
- `overdue`: the sweep that escalates missed deadlines;
- `resident_link`: the resident's private link;
- `photos`: who may add photos to a request;
- `detail`: one request as its page shows it;
- `worklists`: what a person's phone lists (jobs, follow-ups awaiting).
- `grid_queue`: the butler's queue of her grids' open requests, her notes and hand-overs to the desk.
"""

from __future__ import annotations

from app.domain.requests.detail import (  # noqa: F401
    EventView,
    FollowUpView,
    Person,
    RequestPage,
    allowed_actions,
    dispatch_choices,
    follow_ups,
    grid_choices,
    grid_name,
    history,
    open_for,
    page,
)
from app.domain.requests.intake import (  # noqa: F401
    from_work_order,
    intake,
    public_intake,
)
from app.domain.requests.lifecycle import (  # noqa: F401
    accept,
    acknowledge,
    arrive,
    classify,
    close,
    dispatch,
    escalate_major,
    follow_up,
    resolve,
)
from app.domain.requests.overdue import (  # noqa: F401
    sweep_overdue,
)
from app.domain.requests.photos import (  # noqa: F401
    PHOTO_KIND,
)
from app.domain.requests.register import (  # noqa: F401
    Filed,
    link_hash,
)
from app.domain.requests.resident_link import (  # noqa: F401
    by_link,
    resident_actor,
    resident_note,
)
from app.domain.requests.time_limits import (  # noqa: F401
    arrival_minutes,
    deadline,
    limits,
    needs_follow_up,
    set_limits,
)
from app.domain.requests.vocabulary import (  # noqa: F401
    ACCEPTED,
    CATEGORIES,
    CHANNELS,
    CLASSIFIED,
    CLOSED,
    COMPLAINT,
    CONTENT_MAX,
    DEPARTMENTS,
    DESK_CHANNELS,
    DISPATCHED,
    FOLLOW_UP_METHODS,
    FOLLOWED_UP,
    FOLLOWED_UP_CATEGORIES,
    INQUIRY,
    LETTER,
    ON_SITE,
    OTHER,
    PATROL,
    PHONE,
    PRAISE,
    PUBLIC_LIMITS,
    RECEIVED,
    REPAIR_DEPARTMENTS,
    REPAIR_MINOR,
    REPAIR_URGENT,
    REPAIRS,
    RESIDENT_KINDS,
    RESIDENT_NOTE_MAX,
    RESIDENT_PAGE,
    RESOLVED,
    STATUSES,
    SUGGESTION,
    VISIT,
)
from app.domain.requests.worklists import (  # noqa: F401
    follow_ups_awaiting,
    jobs_of,
)
