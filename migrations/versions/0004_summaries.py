"""Contribution summary snapshots of projects and of the platform

Revision ID: 0004_summaries
Revises: 0003_decisions
Create Date: 2026-11-23 11:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_summaries'
down_revision = '0003_decisions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('platform_summaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_platform_summaries'))
    )
    op.create_table('project_summaries',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=True),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('changes_requested', sa.Integer(), server_default='0', nullable=False),
    sa.Column('changes_computed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_summaries_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', name=op.f('pk_project_summaries'))
    )
    # Every existing project starts stale: the worker's sweep computes them all.
    op.execute("INSERT INTO project_summaries (project_id, changes_requested, changes_computed) "
               "SELECT id, 1, 0 FROM projects")


def downgrade():
    op.drop_table('project_summaries')
    op.drop_table('platform_summaries')
