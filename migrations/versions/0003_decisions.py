"""Joint decisions, contributions, positions and actions

Revision ID: 0003_decisions
Revises: 0002_vision
Create Date: 2026-11-23 11:16:06.499061

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_decisions'
down_revision = '0002_vision'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('category', sa.Enum('commissioning', 'pooled_budget', 'pilot', 'staff_secondment', 'grant', 'other', name='decisioncategory', native_enum=False, length=40), nullable=False),
    sa.Column('proposer_id', sa.Integer(), nullable=False),
    sa.Column('proposing_organisation_id', sa.Integer(), nullable=False),
    sa.Column('recipient_name', sa.String(length=200), nullable=True),
    sa.Column('recipient_charity_number', sa.String(length=20), nullable=True),
    sa.Column('recipient_company_number', sa.String(length=20), nullable=True),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('open', 'agreed', 'not_agreed', 'deferred', 'withdrawn', name='decisionstatus', native_enum=False, length=40), nullable=False),
    sa.Column('is_commercially_sensitive', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('amends_id', sa.Integer(), nullable=True),
    sa.Column('review_on', sa.Date(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['amends_id'], ['decisions.id'], name=op.f('fk_decisions_amends_id_decisions')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_decisions_closed_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_decisions_project_id_projects')),
    sa.ForeignKeyConstraint(['proposer_id'], ['users.id'], name=op.f('fk_decisions_proposer_id_users')),
    sa.ForeignKeyConstraint(['proposing_organisation_id'], ['organisations.id'], name=op.f('fk_decisions_proposing_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_amends_id'), ['amends_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_proposer_id'), ['proposer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_proposing_organisation_id'), ['proposing_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_status'), ['status'], unique=False)

    op.create_table('actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('open', 'done', 'dropped', name='actionstatus', native_enum=False, length=40), nullable=False),
    sa.Column('dropped_reason', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_actions_created_by_id_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_actions_decision_id_decisions')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_actions_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actions'))
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actions_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_owner_id'), ['owner_id'], unique=False)

    op.create_table('contributions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('cash', 'staff_time', 'in_kind', name='contributionkind', native_enum=False, length=40), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('hours', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('hourly_cost', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("kind <> 'staff_time' OR (hours > 0 AND hourly_cost > 0)", name=op.f('ck_contributions_staff_time_valued')),
    sa.CheckConstraint('amount <= 1000000000.00', name=op.f('ck_contributions_amount_within_reason')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_contributions_amount_positive')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_contributions_decision_id_decisions')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_contributions_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_contributions_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contributions'))
    )
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contributions_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contributions_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('positions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('stance', sa.Enum('support', 'support_with_concerns', 'stand_aside', 'object', name='decisionstance', native_enum=False, length=40), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_positions_decision_id_decisions')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_positions_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_positions_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_positions'))
    )
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.create_index('ix_positions_decision_id_organisation_id', ['decision_id', 'organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_positions_organisation_id'), ['organisation_id'], unique=False)



def downgrade():
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_positions_organisation_id'))
        batch_op.drop_index('ix_positions_decision_id_organisation_id')

    op.drop_table('positions')
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contributions_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_contributions_decision_id'))

    op.drop_table('contributions')
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actions_owner_id'))
        batch_op.drop_index(batch_op.f('ix_actions_decision_id'))

    op.drop_table('actions')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_status'))
        batch_op.drop_index(batch_op.f('ix_decisions_proposing_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_decisions_proposer_id'))
        batch_op.drop_index(batch_op.f('ix_decisions_project_id'))
        batch_op.drop_index(batch_op.f('ix_decisions_amends_id'))

    op.drop_table('decisions')
