"""producers' staff on zalo

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('zalo_staff',
    sa.Column('zalo_id', sa.String(length=64), nullable=False),
    sa.Column('producer_id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('linked_by', sa.BigInteger(), nullable=True),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['producer_id'], ['producers.id'], name=op.f('fk_zalo_staff_producer_id_producers')),
    sa.PrimaryKeyConstraint('zalo_id', name=op.f('pk_zalo_staff'))
    )
    with op.batch_alter_table('zalo_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zalo_staff_producer_id'), ['producer_id'], unique=False)

    op.create_table('zalo_link_codes',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('producer_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['producer_id'], ['producers.id'], name=op.f('fk_zalo_link_codes_producer_id_producers')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_zalo_link_codes'))
    )
    op.create_table('zalo_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('zalo_id', sa.String(length=64), nullable=True),
    sa.Column('producer_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sent', 'failed', name='zalo_outbox_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('parts_sent', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['producer_id'], ['producers.id'], name=op.f('fk_zalo_outbox_producer_id_producers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zalo_outbox'))
    )
    with op.batch_alter_table('zalo_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_zalo_outbox_status_next', ['status', 'next_attempt_at'], unique=False)

    op.create_table('zalo_usage',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('messages', sa.Integer(), nullable=False),
    sa.Column('warned', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.PrimaryKeyConstraint('month', name=op.f('pk_zalo_usage'))
    )
    op.create_table('zalo_inbound',
    sa.Column('message_id', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('message_id', name=op.f('pk_zalo_inbound'))
    )
    with op.batch_alter_table('zalo_inbound', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zalo_inbound_received_at'), ['received_at'], unique=False)

    with op.batch_alter_table('order_status_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('zalo_actor', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('order_status_changes', schema=None) as batch_op:
        batch_op.drop_column('zalo_actor')

    with op.batch_alter_table('zalo_inbound', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_zalo_inbound_received_at'))
    op.drop_table('zalo_inbound')
    op.drop_table('zalo_usage')
    with op.batch_alter_table('zalo_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_zalo_outbox_status_next')
    op.drop_table('zalo_outbox')
    op.drop_table('zalo_link_codes')
    with op.batch_alter_table('zalo_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_zalo_staff_producer_id'))
    op.drop_table('zalo_staff')
