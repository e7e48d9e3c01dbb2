"""Running totals behind contribution summaries: per agreed decision, and per organisation and project

Revision ID: 0014_running_totals
Revises: 0013_organisation_membership
Create Date: 2026-11-28 05:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_running_totals'
down_revision = '0013_organisation_membership'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('decision_totals',
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('sector_mask', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_totals_decision_id_decisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_decision_totals_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('decision_id', name=op.f('pk_decision_totals'))
    )
    with op.batch_alter_table('decision_totals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_totals_project_id'), ['project_id'], unique=False)
    op.create_table('organisation_totals',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('amounts', sa.JSON(), nullable=False),
    sa.Column('disclosed_amounts', sa.JSON(), nullable=False),
    sa.Column('decisions_cofunded', sa.Integer(), nullable=False),
    sa.Column('decisions_proposed', sa.Integer(), nullable=False),
    sa.Column('positions_recorded', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_totals_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_organisation_totals_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', 'organisation_id', name=op.f('pk_organisation_totals'))
    )
    # Existing projects get their totals in 0019_sector_totals, the last migration to change
    # them: the application's rebuild writes every totals table, so it runs once they all exist.


def downgrade():
    op.drop_table('organisation_totals')
    with op.batch_alter_table('decision_totals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_totals_project_id'))
    op.drop_table('decision_totals')
