"""customers on channels, and the Messenger outbox and handled events

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
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

    op.create_table('messenger_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sent', 'failed', name='messenger_outbox_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messenger_outbox'))
    )
    with op.batch_alter_table('messenger_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_messenger_outbox_status_next', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_messenger_outbox_user', ['user_id'], unique=False)

    op.create_table('messenger_inbound',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('psid', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_messenger_inbound'))
    )
    with op.batch_alter_table('messenger_inbound', schema=None) as batch_op:
        batch_op.create_index('ix_messenger_inbound_psid_received', ['psid', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_messenger_inbound_received_at'), ['received_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('messenger_inbound', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messenger_inbound_received_at'))
        batch_op.drop_index('ix_messenger_inbound_psid_received')
    op.drop_table('messenger_inbound')

    with op.batch_alter_table('messenger_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_messenger_outbox_user')
        batch_op.drop_index('ix_messenger_outbox_status_next')
    op.drop_table('messenger_outbox')

    op.drop_table('person_numbers')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('channel')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_channel'), type_='unique')
        batch_op.drop_column('external_id')
        batch_op.drop_column('channel')
