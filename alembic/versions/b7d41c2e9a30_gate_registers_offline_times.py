"""gate registers offline times: the phone's time of each register tap beside the server's, offline and
clock-off marks, goods let out by a permit the server did not find at sync

Revision ID: b7d41c2e9a30
Revises: 4430aad08577
Create Date: 2026-12-03

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel

# revision identifiers, used by Alembic.
revision: str = 'b7d41c2e9a30'
down_revision: Union[str, Sequence[str], None] = '4430aad08577'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('goodspass', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('offline', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('clock_off', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('permit_disputed', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('visitor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('left_phone_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('offline', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('clock_off', sa.Boolean(), server_default=sa.false(), nullable=False))

    # the defaults only filled the rows that existed; the models carry none
    for table, names in (("goodspass", ("offline", "clock_off", "permit_disputed")),
                         ("visitor", ("offline", "clock_off"))):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in names:
                batch_op.alter_column(name, existing_type=sa.Boolean(), server_default=None)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('visitor', schema=None) as batch_op:
        batch_op.drop_column('clock_off')
        batch_op.drop_column('offline')
        batch_op.drop_column('left_phone_at')
        batch_op.drop_column('phone_at')

    with op.batch_alter_table('goodspass', schema=None) as batch_op:
        batch_op.drop_column('permit_disputed')
        batch_op.drop_column('clock_off')
        batch_op.drop_column('offline')
        batch_op.drop_column('phone_at')
