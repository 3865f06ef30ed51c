"""The old import name of the renovation package's workers, passes, the deposit and the letter (`app.domain.renovation`).

New code imports the package's modules; this name stays for the callers written before it.
"""

from app.domain.renovation.passes import *  # noqa: F403
