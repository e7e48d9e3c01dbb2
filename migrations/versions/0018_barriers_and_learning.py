"""Barrier log and learning log

Revision ID: 0018_barriers_and_learning
Revises: 0017_health_checks
Create Date: 2026-11-28 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_barriers_and_learning'
down_revision = '0017_health_checks'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('learning_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.Enum('discover', 'design', 'deliver', 'closed', name='phase', native_enum=False, length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('tried', sa.Text(), nullable=False),
    sa.Column('happened', sa.Text(), nullable=False),
    sa.Column('differently', sa.Text(), nullable=False),
    sa.Column('is_published', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_learning_entries_author_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_learning_entries_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_entries'))
    )
    op.create_index(op.f('ix_learning_entries_project_id'), 'learning_entries', ['project_id'], unique=False)
    op.create_table('learning_decisions',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_learning_decisions_decision_id_decisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['learning_entries.id'], name=op.f('fk_learning_decisions_entry_id_learning_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entry_id', 'decision_id', name=op.f('pk_learning_decisions'))
    )
    op.create_table('learning_indicators',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['learning_entries.id'], name=op.f('fk_learning_indicators_entry_id_learning_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_learning_indicators_indicator_id_indicators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entry_id', 'indicator_id', name=op.f('pk_learning_indicators'))
    )
    op.create_table('barriers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('who_affected', sa.String(length=300), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.Enum('project', 'public', name='barriersource', native_enum=False, length=40), nullable=False),
    sa.Column('status', sa.Enum('awaiting_moderation', 'rejected', 'new', 'accepted', 'being_worked', 'removed', 'wont_remove', name='barrierstatus', native_enum=False, length=40), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=True),
    sa.Column('raiser_name', sa.String(length=120), nullable=True),
    sa.Column('raiser_email', sa.String(length=320), nullable=True),
    sa.Column('raised_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('moderated_by_id', sa.Integer(), nullable=True),
    sa.Column('moderated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('owner_organisation_id', sa.Integer(), nullable=True),
    sa.Column('wont_remove_reason', sa.Text(), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_barriers_action_id_actions')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_barriers_decision_id_decisions')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_barriers_indicator_id_indicators')),
    sa.ForeignKeyConstraint(['moderated_by_id'], ['users.id'], name=op.f('fk_barriers_moderated_by_id_users')),
    sa.ForeignKeyConstraint(['owner_organisation_id'], ['organisations.id'], name=op.f('fk_barriers_owner_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_barriers_project_id_projects')),
    sa.ForeignKeyConstraint(['raised_by_id'], ['users.id'], name=op.f('fk_barriers_raised_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_barriers'))
    )
    op.create_index(op.f('ix_barriers_project_id'), 'barriers', ['project_id'], unique=False)
    op.create_index(op.f('ix_barriers_status'), 'barriers', ['status'], unique=False)
    op.create_table('barrier_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('barrier_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('awaiting_moderation', 'rejected', 'new', 'accepted', 'being_worked', 'removed', 'wont_remove', name='barrierstatus', native_enum=False, length=40), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_barrier_answers_author_id_users')),
    sa.ForeignKeyConstraint(['barrier_id'], ['barriers.id'], name=op.f('fk_barrier_answers_barrier_id_barriers')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_barrier_answers_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_barrier_answers'))
    )
    op.create_index(op.f('ix_barrier_answers_barrier_id'), 'barrier_answers', ['barrier_id'], unique=False)
    with op.batch_alter_table('projects') as batch_op:
        batch_op.add_column(sa.Column('accepts_public_barriers', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('projects') as batch_op:
        batch_op.drop_column('accepts_public_barriers')
    op.drop_index(op.f('ix_barrier_answers_barrier_id'), table_name='barrier_answers')
    op.drop_table('barrier_answers')
    op.drop_index(op.f('ix_barriers_status'), table_name='barriers')
    op.drop_index(op.f('ix_barriers_project_id'), table_name='barriers')
    op.drop_table('barriers')
    op.drop_table('learning_indicators')
    op.drop_table('learning_decisions')
    op.drop_index(op.f('ix_learning_entries_project_id'), table_name='learning_entries')
    op.drop_table('learning_entries')
