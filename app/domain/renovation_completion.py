"""The old import name of the renovation package's final acceptance, revisit and refund (`app.domain.renovation`).

New code imports the package's modules; this name stays for the callers written before it.
"""

from app.domain.renovation.completion import *  # noqa: F403
