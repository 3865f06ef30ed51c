"""Alerts to staff get their own name: table staffnotice becomes staffalert.

The notice board (announcements to residents) and the alerts to one member of
staff were both called notices; the rows are unchanged.

Revision ID: b3c1d2e4f5a6
Revises: f5527939fda1
Create Date: 2026-12-02 00:00:00.000000

"""
from typing import Sequence, Union

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "b3c1d2e4f5a6"
down_revision: Union[str, Sequence[str], None] = "f5527939fda1"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _rename(old: str, new: str) -> None:
    with op.batch_alter_table(old, schema=None) as batch_op:
        batch_op.drop_index(f"ix_{old}_staff_unread")
        batch_op.drop_index(f"ix_{old}_request_id")
    op.rename_table(old, new)
    if op.get_bind().dialect.name == "postgresql":
        # PostgreSQL keeps the old names on the key, the foreign keys and the id sequence.
        op.execute(f"ALTER TABLE {new} RENAME CONSTRAINT {old}_pkey TO {new}_pkey")
        for column in ("community_id", "request_id", "staff_id"):
            op.execute(f"ALTER TABLE {new} RENAME CONSTRAINT {old}_{column}_fkey TO {new}_{column}_fkey")
        op.execute(f"ALTER SEQUENCE {old}_id_seq RENAME TO {new}_id_seq")
    with op.batch_alter_table(new, schema=None) as batch_op:
        batch_op.create_index(f"ix_{new}_request_id", ["request_id"], unique=False)
        batch_op.create_index(f"ix_{new}_staff_unread", ["staff_id", "read_at"], unique=False)


def upgrade() -> None:
    _rename("staffnotice", "staffalert")


def downgrade() -> None:
    _rename("staffalert", "staffnotice")
