"""Workers, their passes and the documents of a signed-off renovation (二证一书 and the deposit).

Workers are registered with name, phone, trade and a photo (shown at the gate);
the ID number is kept masked only (110***********1234). At sign-off every
active worker gets a pass (`WorkerPass`: valid from the start of the works,
or today, to the planned end); a worker added later gets one at once. The
signed QR text of a pass (`pass_token`) carries its id, version, expiry (end
of its last day) and community; of the permit (`permit_token`) the same for
the application. Revoking a pass (worker left, violation, completion) takes
effect on the next scan; reissuing it (lost card, new dates) bumps the
version so the old card is refused. The deposit (amount in fen, receipt
number) and the responsibility letter (signing day, photo of the signed
page) are recorded here too. Functions flush, never commit.

The code lives in the package `app.domain.renovation` (`passes`); this module keeps the old import name working.
"""

from app.domain.renovation.passes import *  # noqa: F403
