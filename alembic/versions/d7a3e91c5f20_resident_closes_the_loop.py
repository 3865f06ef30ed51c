"""the resident closes the loop on /q/<link>: a follow-up with no staff author (the resident's own
confirmation) and a client id on request events, so a retried 没修好 is recorded once

Revision ID: d7a3e91c5f20
Revises: e3a9c5d1f7b2
Create Date: 2026-12-04

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel

# revision identifiers, used by Alembic.
revision: str = 'd7a3e91c5f20'
down_revision: Union[str, Sequence[str], None] = 'e3a9c5d1f7b2'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('followup', schema=None) as batch_op:
        batch_op.alter_column('by_id', existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table('requestevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_requestevent_client_id'), ['client_id'], unique=True)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('requestevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_requestevent_client_id'))
        batch_op.drop_column('client_id')
    op.execute("DELETE FROM followup WHERE by_id IS NULL")
    with op.batch_alter_table('followup', schema=None) as batch_op:
        batch_op.alter_column('by_id', existing_type=sa.Integer(), nullable=False)
