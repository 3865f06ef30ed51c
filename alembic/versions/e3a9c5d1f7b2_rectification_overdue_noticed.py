"""rectification overdue noticed: the deadline of a renovation rectification whose passing its grid's
butler was told of (once per missed deadline, app.domain.renovation.alerting); alerts found by subject

Revision ID: e3a9c5d1f7b2
Revises: c41e8a7d2b10
Create Date: 2026-12-04

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel

# revision identifiers, used by Alembic.
revision: str = 'e3a9c5d1f7b2'
down_revision: Union[str, Sequence[str], None] = 'c41e8a7d2b10'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('rectification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overdue_noticed_for', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    # a decided level settles every holder's alert of its application by subject ("renovation:12")
    with op.batch_alter_table('staffalert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staffalert_subject'), ['subject'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('staffalert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staffalert_subject'))
    with op.batch_alter_table('rectification', schema=None) as batch_op:
        batch_op.drop_column('overdue_noticed_for')
