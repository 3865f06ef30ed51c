"""Roles, what each may do, and where each lands after sign-in.

This is the only place that says which role may do what; the state layer asks
`allowed()` (through `app.domain.auth.authorize`) before every action.
"""

from __future__ import annotations

from collections.abc import Iterable

SUPERVISOR = "supervisor"
TEAM_LEAD = "team_lead"
FRONT_DESK = "front_desk"
BUTLER = "butler"
GUARD = "guard"
TECHNICIAN = "technician"
ENGINEERING_MANAGER = "engineering_manager"
GENERAL_MANAGER = "general_manager"
ASSISTANT_MANAGER = "assistant_manager"
ADMIN = "admin"

ALL_ROLES: tuple[str, ...] = (
    SUPERVISOR,
    TEAM_LEAD,
    FRONT_DESK,
    BUTLER,
    GUARD,
    TECHNICIAN,
    ENGINEERING_MANAGER,
    GENERAL_MANAGER,
    ASSISTANT_MANAGER,
    ADMIN,
)

MANAGERS = frozenset({SUPERVISOR, GENERAL_MANAGER, ASSISTANT_MANAGER, ENGINEERING_MANAGER})
DESK_ROLES = frozenset({FRONT_DESK, TEAM_LEAD, ADMIN}) | MANAGERS

# action -> roles that may perform it
PERMISSIONS: dict[str, frozenset[str]] = {
    "home.grid": frozenset({BUTLER, TEAM_LEAD}),
    "home.gate": frozenset({GUARD}),
    "home.repairs": frozenset({TECHNICIAN}),
    "home.desk": DESK_ROLES,
    "grid.overview": frozenset({SUPERVISOR, TEAM_LEAD, GENERAL_MANAGER, ASSISTANT_MANAGER, ADMIN}),
    "staff.manage": frozenset({ADMIN, SUPERVISOR}),
    "staff.grant_admin": frozenset({ADMIN}),
    "audit.view": frozenset({ADMIN, SUPERVISOR, GENERAL_MANAGER}),
    # hide a photo kept as evidence (never delete it)
    "evidence.hide": frozenset({ADMIN, SUPERVISOR}),
    # grid planning: households to grids, leave cover, the poster and its QR
    "grid.plan": frozenset({SUPERVISOR, ADMIN}),
    # checkpoints, checklist templates, routes and plans
    "patrol.setup": frozenset({SUPERVISOR, TEAM_LEAD, ADMIN}),
    # walk a patrol on the phone (butlers, and guards on their rounds)
    "patrol.walk": frozenset({BUTLER, TEAM_LEAD, GUARD}),
    # patrol coverage per grid, drill-down to a patrol's photos
    "patrol.coverage": frozenset({SUPERVISOR, TEAM_LEAD, GENERAL_MANAGER, ASSISTANT_MANAGER, ADMIN}),
    # work orders from findings: see them, and mark them done
    "workorder.view": DESK_ROLES | frozenset({TECHNICIAN}),
    "workorder.close": frozenset({FRONT_DESK, TEAM_LEAD, SUPERVISOR, TECHNICIAN, ADMIN}),
    # requests and complaints (app.domain.requests): register one from any channel
    "request.intake": frozenset({FRONT_DESK, TEAM_LEAD, SUPERVISOR, BUTLER, ASSISTANT_MANAGER}),
    # the butler's phone form: what a resident told her on the walk, for a grid she answers for today
    "request.butler_intake": frozenset({BUTLER}),
    # the register: search, open any request of the community, the desk dashboard
    "request.view": DESK_ROLES | frozenset({BUTLER}),
    # open one request's page (a technician only their own: app.domain.requests.open_for)
    "request.open": DESK_ROLES | frozenset({BUTLER, TECHNICIAN}),
    # classify, mark major, refer when not ours, agree a reply time, dispatch
    "request.dispatch": frozenset({FRONT_DESK, TEAM_LEAD, SUPERVISOR, ASSISTANT_MANAGER}),
    # a technician's own jobs: accept, record arrival and resolution with photos
    "request.work": frozenset({TECHNICIAN}),
    # follow-up (回访) by phone or visit, then close
    "request.follow_up": frozenset({BUTLER, TEAM_LEAD, FRONT_DESK, SUPERVISOR}),
    # a major complaint is acknowledged by the assistant manager
    "request.acknowledge": frozenset({ASSISTANT_MANAGER}),
    # the community's time limits
    "request.limits": frozenset({SUPERVISOR, ADMIN}),
    # notice-board announcements
    "notice.manage": frozenset({FRONT_DESK, TEAM_LEAD, SUPERVISOR}),
    # half-monthly summary and quarterly report: read; write actions and publish
    "report.view": frozenset({SUPERVISOR, TEAM_LEAD, GENERAL_MANAGER, ASSISTANT_MANAGER}),
    "report.write": frozenset({SUPERVISOR}),
    # renovations and the gate (app.domain.renovations, app.domain.gate): below this line
    # register an application for a household (the desk, for the owner); resubmit after a return
    "renovation.apply": frozenset({FRONT_DESK, TEAM_LEAD, SUPERVISOR}),
    # see renovations, their permits, workers and passes
    "renovation.view": DESK_ROLES | frozenset({BUTLER, TECHNICIAN}),
    # the three approval levels (the domain also checks the level's own role, in order)
    "renovation.first_review": frozenset({SUPERVISOR}),
    "renovation.second_review": frozenset({ENGINEERING_MANAGER}),
    "renovation.sign_off": frozenset({GENERAL_MANAGER}),
    # the approver's inbox (待我审批) on the desk home: whoever decides a level (renovation.common.LEVEL_ROLE)
    "renovation.inbox": frozenset({SUPERVISOR, ENGINEERING_MANAGER, GENERAL_MANAGER}),
    # deposit, responsibility letter, workers and their passes (issue, revoke)
    "renovation.documents": frozenset({FRONT_DESK, TEAM_LEAD, SUPERVISOR}),
    # site checks, re-checks, stage-gate declarations and inspections
    "renovation.check": frozenset({BUTLER, TEAM_LEAD, SUPERVISOR, ENGINEERING_MANAGER, TECHNICIAN}),
    # a deposit deduction on a failed re-check
    "renovation.deduct": frozenset({SUPERVISOR, ENGINEERING_MANAGER, GENERAL_MANAGER}),
    # hot-work permission (date window, fire watch)
    "renovation.hot_work": frozenset({ENGINEERING_MANAGER, SUPERVISOR}),
    # final acceptance, revisit, deposit refund
    "renovation.complete": frozenset({ENGINEERING_MANAGER, SUPERVISOR}),
    "renovation.revisit": frozenset({SUPERVISOR, TEAM_LEAD, BUTLER, FRONT_DESK}),
    "renovation.refund": frozenset({SUPERVISOR, GENERAL_MANAGER}),
    # KPIs: violation and rectification rates, stages, passes, gate refusals
    "renovation.kpi": frozenset({SUPERVISOR, TEAM_LEAD, ENGINEERING_MANAGER, GENERAL_MANAGER, ASSISTANT_MANAGER}),
    # the gate: scan worker passes; goods in/out; visitors
    "gate.scan": frozenset({GUARD}),
    "gate.goods": frozenset({GUARD, FRONT_DESK}),
    "gate.visitor": frozenset({GUARD, FRONT_DESK}),
    "gate.log": frozenset({SUPERVISOR, TEAM_LEAD, GENERAL_MANAGER, ASSISTANT_MANAGER}),
    # see evidence photos of one's own community
    "evidence.view": frozenset(ALL_ROLES),
    # the messages that leave the app: the robots of the grids, the failed list (/desk/notify)
    "notify.manage": frozenset({SUPERVISOR, ADMIN}),
    # every signed-in user may manage their own account
    "account.self": frozenset(ALL_ROLES),
}

# Where a role lands after sign-in; the first matching role wins for a person
# who holds several.
HOMES: tuple[tuple[str, str], ...] = (
    (BUTLER, "/grid"),
    (GUARD, "/gate"),
    (TECHNICIAN, "/repairs"),
    (ADMIN, "/admin/staff"),
    (FRONT_DESK, "/desk"),
    (TEAM_LEAD, "/desk"),
    (SUPERVISOR, "/desk"),
    (ASSISTANT_MANAGER, "/desk"),
    (ENGINEERING_MANAGER, "/desk"),
    (GENERAL_MANAGER, "/desk"),
)

# Roles whose home is the wide desk layout rather than the phone tab bar.
DESK_LAYOUT_HOMES = frozenset({"/desk", "/admin/staff"})


def allowed(roles: Iterable[str], action: str) -> bool:
    """Whether someone holding `roles` may perform `action`. Unknown actions: no."""
    permitted = PERMISSIONS.get(action)
    if permitted is None:
        return False
    return any(role in permitted for role in roles)


def home_for(roles: Iterable[str]) -> str:
    """The path a person lands on after sign-in."""
    held = set(roles)
    for role, path in HOMES:
        if role in held:
            return path
    return "/account"


def valid_roles(roles: Iterable[str]) -> list[str]:
    """The known roles among `roles`, in canonical order, without duplicates."""
    held = set(roles)
    return [r for r in ALL_ROLES if r in held]
