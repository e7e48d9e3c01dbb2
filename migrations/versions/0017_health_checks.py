"""Partnership health check: rounds, who has answered, anonymous answers and stored results

Revision ID: 0017_health_checks
Revises: 0016_notification_schedule
Create Date: 2026-11-28 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_health_checks'
down_revision = '0016_notification_schedule'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('health_check_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('is_published', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_health_check_rounds_opened_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_health_check_rounds_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_check_rounds'))
    )
    op.create_index(op.f('ix_health_check_rounds_project_id'), 'health_check_rounds', ['project_id'], unique=False)
    op.create_table('health_check_answers',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('sector', sa.Enum('nhs', 'public_health', 'local_authority', 'police', 'fire_and_rescue', 'voluntary_and_community', 'university_and_research', 'housing', 'business', 'residents', name='sector', native_enum=False, length=40), nullable=False),
    sa.Column('ratings', sa.JSON(), nullable=False),
    sa.Column('comments', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_health_check_answers_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['round_id'], ['health_check_rounds.id'], name=op.f('fk_health_check_answers_round_id_health_check_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_check_answers'))
    )
    op.create_index(op.f('ix_health_check_answers_round_id'), 'health_check_answers', ['round_id'], unique=False)
    op.create_table('health_check_respondents',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['health_check_rounds.id'], name=op.f('fk_health_check_respondents_round_id_health_check_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_health_check_respondents_user_id_users')),
    sa.PrimaryKeyConstraint('round_id', 'user_id', name=op.f('pk_health_check_respondents'))
    )
    op.create_table('health_check_results',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['health_check_rounds.id'], name=op.f('fk_health_check_results_round_id_health_check_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_health_check_results'))
    )


def downgrade():
    op.drop_table('health_check_results')
    op.drop_table('health_check_respondents')
    op.drop_index(op.f('ix_health_check_answers_round_id'), table_name='health_check_answers')
    op.drop_table('health_check_answers')
    op.drop_index(op.f('ix_health_check_rounds_project_id'), table_name='health_check_rounds')
    op.drop_table('health_check_rounds')
