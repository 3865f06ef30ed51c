"""Only for bench/photo_roundtrip.py --harness: a photo subject kind in the served app.

Put on PYTHONPATH of the app's processes by the bench. Acts only when
APP_BENCH_EVIDENCE_KIND is set: registers that kind with a resolver that lets
any signed-in person of a community attach photos to any subject id.
"""

import os
import sys

_KIND = os.environ.get("APP_BENCH_EVIDENCE_KIND")
if _KIND:
    _root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if _root not in sys.path:
        sys.path.append(_root)
    try:
        from app.domain import evidence as _evidence
        from app.domain.errors import Refused as _Refused

        def _resolver(session, actor, subject_id):
            if actor.community_id is None:
                raise _Refused("auth.no_permission")
            return _evidence.SubjectInfo(community_id=actor.community_id, place="bench")

        _evidence.register_subject(_KIND, _resolver)
    except Exception as exc:  # noqa: BLE001 - never break the interpreter start
        print(f"bench harness: could not register {_KIND!r}: {exc}", file=sys.stderr)
