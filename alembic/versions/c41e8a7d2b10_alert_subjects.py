"""alert subjects: what an alert is about besides a request, a summary, urgency and the event key
shared by everyone told of one occurrence (the who-is-told table, app.domain.notify)

Revision ID: c41e8a7d2b10
Revises: b7d41c2e9a30
Create Date: 2026-12-03

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel

# revision identifiers, used by Alembic.
revision: str = 'c41e8a7d2b10'
down_revision: Union[str, Sequence[str], None] = 'b7d41c2e9a30'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('staffalert', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sqlmodel.sql.sqltypes.AutoString(length=16),
                              type_=sqlmodel.sql.sqltypes.AutoString(length=32), existing_nullable=False)
        batch_op.add_column(sa.Column('grid_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_staffalert_grid_id_grid', 'grid', ['grid_id'], ['id'])
        batch_op.add_column(sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=40), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=140), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('urgent', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('event_key', sqlmodel.sql.sqltypes.AutoString(length=16), server_default='',
                                      nullable=False))
        batch_op.create_index(batch_op.f('ix_staffalert_event_key'), ['event_key'], unique=False)
    # the defaults only filled the rows that existed; the model carries none
    with op.batch_alter_table('staffalert', schema=None) as batch_op:
        for name, kind in (('subject', sqlmodel.sql.sqltypes.AutoString(length=40)),
                           ('summary', sqlmodel.sql.sqltypes.AutoString(length=140)),
                           ('urgent', sa.Boolean()),
                           ('event_key', sqlmodel.sql.sqltypes.AutoString(length=16))):
            batch_op.alter_column(name, existing_type=kind, server_default=None)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('staffalert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staffalert_event_key'))
        batch_op.drop_column('event_key')
        batch_op.drop_column('urgent')
        batch_op.drop_column('summary')
        batch_op.drop_column('subject')
        batch_op.drop_constraint('fk_staffalert_grid_id_grid', type_='foreignkey')
        batch_op.drop_column('grid_id')
        batch_op.alter_column('kind', existing_type=sqlmodel.sql.sqltypes.AutoString(length=32),
                              type_=sqlmodel.sql.sqltypes.AutoString(length=16), existing_nullable=False)
