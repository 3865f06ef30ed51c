"""The words of the register: channels, categories, statuses, departments, sizes."""

from __future__ import annotations

from datetime import timedelta

# --- words -----------------------------------------------------------------------------

PHONE = "phone"
VISIT = "visit"
LETTER = "letter"
RESIDENT_PAGE = "resident_page"
PATROL = "patrol"
OTHER = "other"
BUTLER = "butler"  # what a resident told the butler on her walk, registered on her phone
CHANNELS: tuple[str, ...] = (PHONE, VISIT, LETTER, RESIDENT_PAGE, PATROL, OTHER, BUTLER)
# what the front desk may pick on its form (the resident page, patrols and butlers have their own paths)
DESK_CHANNELS: tuple[str, ...] = (PHONE, VISIT, LETTER, OTHER)

REPAIR_MINOR = "repair_minor"
REPAIR_URGENT = "repair_urgent"
COMPLAINT = "complaint"
INQUIRY = "inquiry"
SUGGESTION = "suggestion"
PRAISE = "praise"
CATEGORIES: tuple[str, ...] = (REPAIR_MINOR, REPAIR_URGENT, COMPLAINT, INQUIRY, SUGGESTION, PRAISE)
REPAIRS = frozenset({REPAIR_MINOR, REPAIR_URGENT})
# a valid complaint is followed up before it may close (100% target)
FOLLOWED_UP_CATEGORIES = frozenset({REPAIR_MINOR, REPAIR_URGENT, COMPLAINT})

# what a resident picks on the public page -> the category it is registered under
# until the front desk classifies it (a repair is taken as minor until judged urgent)
RESIDENT_KINDS: dict[str, str] = {
    "repair": REPAIR_MINOR,
    "complaint": COMPLAINT,
    "inquiry": INQUIRY,
    "suggestion": SUGGESTION,
    "praise": PRAISE,
}

RECEIVED = "received"
CLASSIFIED = "classified"
DISPATCHED = "dispatched"
ACCEPTED = "accepted"
ON_SITE = "on_site"
RESOLVED = "resolved"
FOLLOWED_UP = "followed_up"
CLOSED = "closed"
STATUSES: tuple[str, ...] = (
    RECEIVED, CLASSIFIED, DISPATCHED, ACCEPTED, ON_SITE, RESOLVED, FOLLOWED_UP, CLOSED,
)

# departments a request is dispatched to
DEPARTMENTS: tuple[str, ...] = ("technician", "engineering", "cleaning", "security", "service")
# repairs go to people who accept, arrive and resolve on the phone
REPAIR_DEPARTMENTS = frozenset({"technician", "engineering"})

FOLLOW_UP_METHODS: tuple[str, ...] = ("phone", "visit")

# the channels whose new request the front desk does not hold yet: the desk is told as well as the butler
TOLD_TO_DESK: frozenset[str] = frozenset({RESIDENT_PAGE, BUTLER})

CONTENT_MAX = 1000
RESIDENT_NOTE_MAX = 500

# public intake: at most this many requests per client in each window
PUBLIC_LIMITS: tuple[tuple[timedelta, int], ...] = ((timedelta(minutes=10), 3), (timedelta(days=1), 10))
