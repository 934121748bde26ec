"""customers on channels

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=16), server_default='telegram', nullable=False))
        batch_op.add_column(sa.Column('external_id', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_channel'), ['channel', 'external_id'])

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=16), server_default='telegram', nullable=False))

    numbers = op.create_table('person_numbers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_numbers'))
    )
    op.bulk_insert(numbers, [{'id': 1, 'last': 0}])


def downgrade() -> None:
    op.drop_table('person_numbers')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('channel')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_channel'), type_='unique')
        batch_op.drop_column('external_id')
        batch_op.drop_column('channel')
