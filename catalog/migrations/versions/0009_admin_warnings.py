"""admin warnings

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('admin_warnings',
    sa.Column('cause', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=100), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('told_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('cause', 'subject', name=op.f('pk_admin_warnings'))
    )
    # The quota's warning is an admin warning now (cause zalo_quota), resolved each month.
    with op.batch_alter_table('zalo_usage', schema=None) as batch_op:
        batch_op.drop_column('warned')


def downgrade() -> None:
    with op.batch_alter_table('zalo_usage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warned', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.drop_table('admin_warnings')
