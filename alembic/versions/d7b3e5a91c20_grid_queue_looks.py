"""grid queue looks: when a butler last opened her grid's queue (我的网格·待办), for its 新 marks

Revision ID: d7b3e5a91c20
Revises: d7a3e91c5f20
Create Date: 2026-12-04

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel

# revision identifiers, used by Alembic.
revision: str = 'd7b3e5a91c20'
down_revision: Union[str, Sequence[str], None] = 'd7a3e91c5f20'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'queuelook',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('grid_id', sa.Integer(), nullable=False),
        sa.Column('seen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['grid_id'], ['grid.id']),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('staff_id', 'grid_id'),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('queuelook')
