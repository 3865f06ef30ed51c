"""The old import name of the renovation package's common words, the application and its three-level approval (`app.domain.renovation`).

New code imports the package's modules; this name stays for the callers written before it.
"""

from app.domain.renovation.application import *  # noqa: F403
from app.domain.renovation.approval import *  # noqa: F403
from app.domain.renovation.common import *  # noqa: F403
