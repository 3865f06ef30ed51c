"""The colours every printed document uses (posters, tags, permits, passes and the text reports)."""

from __future__ import annotations

PRIMARY = (14, 90, 138)
PRIMARY_LIGHT = (232, 241, 248)
GOLD = (196, 146, 36)
INK = (31, 41, 51)
MUTED = (96, 110, 124)
LINE = (205, 213, 222)
RED = (196, 48, 43)
AMBER_BG = (255, 244, 214)
AMBER_INK = (138, 84, 0)
WHITE = (255, 255, 255)
