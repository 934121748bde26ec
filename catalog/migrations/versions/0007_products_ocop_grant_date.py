"""products: the day the ocop certificate was granted, not only its year

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A rating known only by its year reads as granted on 1 January of that year.
_FIRST_OF_JANUARY = {
    'postgresql': 'make_date(ocop_year, 1, 1)',
    'sqlite': "printf('%04d-01-01', ocop_year)",
}
_YEAR = {
    'postgresql': 'CAST(EXTRACT(YEAR FROM ocop_granted) AS INTEGER)',
    'sqlite': "CAST(strftime('%Y', ocop_granted) AS INTEGER)",
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ocop_granted', sa.Date(), nullable=True))
    op.execute(f'UPDATE products SET ocop_granted = {_FIRST_OF_JANUARY[dialect]}')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.alter_column('ocop_granted', existing_type=sa.Date(), nullable=False)
        batch_op.drop_column('ocop_year')


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ocop_year', sa.Integer(), nullable=True))
    op.execute(f'UPDATE products SET ocop_year = {_YEAR[dialect]}')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.alter_column('ocop_year', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('ocop_granted')
