"""Grid planning: households to grids, the grid's butler, leave cover, the poster QR, the butler photo.

Everything here is done by a supervisor or admin (permission "grid.plan") inside
their own community; every change is audited. The resident page (`resident_card`)
is public: it is reached by the signed QR token on the grid poster and shows the
butler's contact, never anything about residents.

Sizing follows `app.domain.grids`: a change that would take a grid above 400
households is refused unless its butler is a gold butler; a grid left under 350
is allowed and flagged.

The package, one module per part:

- `common`: the permission, limits, and the community-scoped lookups;
- `assignment`: households to grids (ranges, one by one) and a grid's breakdown;
- `staffing`: the grid's butler and leave cover (who answers for a grid on a day);
- `poster`: the poster QR token, its rotation and the public resident card;
- `photos`: the butler's photo shown on the poster and the resident card.
"""

from app.domain.grid_planning.assignment import (  # noqa: F401
    Breakdown,
    GridCount,
    MoveResult,
    assign_households,
    assign_range,
    breakdown,
    buildings_of,
    find_household,
    move_household,
)
from app.domain.grid_planning.common import (  # noqa: F401
    ACTION,
    CARD_INVALID,
    CARD_OK,
    CARD_OUTDATED,
    MAX_COVER_DAYS,
    MAX_IDS,
    PHOTO_DIR,
    PHOTO_PX,
    PHOTO_QUALITY,
    TOKEN_KIND,
    grid_size,
)
from app.domain.grid_planning.photos import (  # noqa: F401
    photo_root,
    read_staff_photo,
    remove_photo_file,
    set_staff_photo,
    square_photo,
    staff_photo_file,
    staff_photo_route,
)
from app.domain.grid_planning.poster import (  # noqa: F401
    ResidentCard,
    poster_data,
    poster_data_for,
    poster_token,
    poster_version,
    resident_card,
    resident_path,
    resident_url,
    rotate_poster,
)
from app.domain.grid_planning.staffing import (  # noqa: F401
    CoverRow,
    Deputy,
    add_cover,
    cancel_cover,
    cover_on,
    covers_of,
    grid_staff_options,
    set_butler,
)
