"""alerts that wait, supergroups, who moved an order, zalo strangers

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-09
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('producers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('former_group_chat_id', sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f('ix_producers_former_group_chat_id'), ['former_group_chat_id'], unique=False)

    with op.batch_alter_table('order_status_changes', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('actor_name', sa.String(length=100), server_default='', nullable=False)
        )

    op.create_table('zalo_strangers',
    sa.Column('zalo_id', sa.String(length=64), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('zalo_id', name=op.f('pk_zalo_strangers'))
    )
    with op.batch_alter_table('zalo_strangers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zalo_strangers_answered_at'), ['answered_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('zalo_strangers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_zalo_strangers_answered_at'))
    op.drop_table('zalo_strangers')

    with op.batch_alter_table('order_status_changes', schema=None) as batch_op:
        batch_op.drop_column('actor_name')

    with op.batch_alter_table('producers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_producers_former_group_chat_id'))
        batch_op.drop_column('former_group_chat_id')
