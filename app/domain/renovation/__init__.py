"""Renovations (二次装修), one module per section of the handbook's workflow.

- `common`: the words (statuses, levels, stages, check items, targets) and small helpers.
- `application`: the application registered by the desk, its resubmission, the lists.
- `approval`: three levels in order (初审 supervisor → 复审 engineering manager → 签字 general
  manager), one decision per level and round, one person per level; sign-off issues the permit
  and the passes.
- `passes`: workers, their passes (QR), the deposit and the responsibility letter (二证一书).
- `site_checks`: site checks, rectification with a deadline, re-checks, deductions, escalation.
- `stage_gates`: concealed works then waterproofing, declared and inspected before the works go on.
- `hot_work`: the hot-work permission (a date window, a named fire watch).
- `work`: "may this trade work here now" (`work_allowed`), one rule for the permit, the gate and
  the site screens; the permit's view.
- `completion`: final acceptance, revisit, refund.
- `kpis`: the supervisor's figures.
- `views`: what the site screens show (who sees which renovation, overdue notices, declarable gates).

Imports run one way (common ← application, passes ← approval; common ← stage_gates, hot_work ← work
← views), so there is no cycle. The old modules `app.domain.renovations`, `renovation_passes`,
`renovation_checks` and `renovation_completion` re-export the same names. Functions flush, never
commit.
"""

from app.domain.renovation import (  # noqa: F401  (loads every section: registers the photo subjects)
    application,
    approval,
    common,
    completion,
    hot_work,
    kpis,
    passes,
    site_checks,
    stage_gates,
    views,
    work,
)
