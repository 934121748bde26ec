"""comments on the Page's posts: posts tied to products, visits without a producer

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('post_products',
    sa.Column('post_id', sa.String(length=64), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('tied_by', sa.BigInteger(), nullable=True),
    sa.Column('tied_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_post_products_product_id_products')),
    sa.PrimaryKeyConstraint('post_id', 'product_id', name=op.f('pk_post_products'))
    )
    with op.batch_alter_table('post_products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_products_product_id'), ['product_id'], unique=False)

    # A comment answered with the shop's welcome leads to no producer.
    with op.batch_alter_table('link_visits', schema=None) as batch_op:
        batch_op.alter_column('producer_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM link_visits WHERE producer_id IS NULL")
    with op.batch_alter_table('link_visits', schema=None) as batch_op:
        batch_op.alter_column('producer_id', existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table('post_products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_products_product_id'))
    op.drop_table('post_products')
