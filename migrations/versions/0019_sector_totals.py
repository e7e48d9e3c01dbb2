"""Running totals per set of sectors, per indicator and per project, actions in each organisation's totals,
and the indexes that keep recomputing them small

Revision ID: 0019_sector_totals
Revises: 0018_barriers_and_learning
Create Date: 2026-11-28 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_sector_totals'
down_revision = '0018_barriers_and_learning'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sector_set_totals',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('sector_mask', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('decisions', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_sector_set_totals_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', 'sector_mask', name=op.f('pk_sector_set_totals'))
    )
    op.create_table('project_totals',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('agreed_decisions', sa.Integer(), nullable=False),
    sa.Column('counted_decisions', sa.Integer(), nullable=False),
    sa.Column('linked_decisions', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_totals_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', name=op.f('pk_project_totals'))
    )
    op.create_table('indicator_totals',
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('decisions', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_totals_indicator_id_indicators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_indicator_totals_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('indicator_id', name=op.f('pk_indicator_totals'))
    )
    with op.batch_alter_table('indicator_totals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_totals_project_id'), ['project_id'], unique=False)
    with op.batch_alter_table('organisation_totals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actions_owned', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('actions_done', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('decision_totals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_totals_project_id'))
        batch_op.create_index('ix_decision_totals_project_id_sector_mask', ['project_id', 'sector_mask'], unique=False)
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index('ix_decisions_project_id_status', ['project_id', 'status'], unique=False)
        batch_op.create_index('ix_decisions_project_id_closed_at', ['project_id', 'closed_at'], unique=False)
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index('ix_actions_status_due_on', ['status', 'due_on'], unique=False)
    # Existing projects' totals are rebuilt by 0020, which writes the columns it adds.


def downgrade():
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index('ix_actions_status_due_on')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_decisions_project_id_closed_at')
        batch_op.drop_index('ix_decisions_project_id_status')
    with op.batch_alter_table('decision_totals', schema=None) as batch_op:
        batch_op.drop_index('ix_decision_totals_project_id_sector_mask')
        batch_op.create_index(batch_op.f('ix_decision_totals_project_id'), ['project_id'], unique=False)
    with op.batch_alter_table('organisation_totals', schema=None) as batch_op:
        batch_op.drop_column('actions_done')
        batch_op.drop_column('actions_owned')
    with op.batch_alter_table('indicator_totals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_totals_project_id'))
    op.drop_table('indicator_totals')
    op.drop_table('project_totals')
    op.drop_table('sector_set_totals')
