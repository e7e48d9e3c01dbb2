"""Imports count every problem but keep only the first ones; a position is replaced once

Revision ID: 0012_input_bounds
Revises: 0011_decision_integrity
Create Date: 2026-11-28 05:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_input_bounds'
down_revision = '0011_decision_integrity'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('measurement_imports') as batch_op:
        batch_op.add_column(sa.Column('problem_count', sa.Integer(), nullable=False, server_default='0'))
    op.create_index('uq_positions_replaces_id', 'positions', ['replaces_id'], unique=True)


def downgrade():
    op.drop_index('uq_positions_replaces_id', table_name='positions')
    with op.batch_alter_table('measurement_imports') as batch_op:
        batch_op.drop_column('problem_count')
