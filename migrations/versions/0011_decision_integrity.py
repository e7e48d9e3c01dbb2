"""Decisions keep the rule and the partners they count from their opening; a minimum
notice before a closing date moves earlier; a discussion on each decision

Revision ID: 0011_decision_integrity
Revises: 0010_mail_and_sessions
Create Date: 2026-11-28 05:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_decision_integrity'
down_revision = '0010_mail_and_sessions'
branch_labels = None
depends_on = None

RULE = sa.Enum('consensus', 'consent', 'majority', 'lead_decides', name='decisionrule', native_enum=False, length=40)


def upgrade():
    # Plain ADD COLUMN, never a batch copy: SQLite cannot drop a table that rows of other
    # tables refer to, so copying projects or decisions would fail on a database in use.
    op.add_column('projects', sa.Column('minimum_notice_days', sa.Integer(), server_default=sa.text('5'), nullable=False))

    # Existing decisions are taken to have opened under the project's current rule.
    op.add_column('decisions', sa.Column('decision_rule', RULE, server_default='consensus', nullable=False))
    op.execute('UPDATE decisions SET decision_rule = (SELECT projects.decision_rule FROM projects '
               'WHERE projects.id = decisions.project_id)')
    # The default only let the column be added; every decision states its rule.
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.alter_column('decision_rule', existing_type=RULE, server_default=None, existing_nullable=False)

    op.create_table('decision_counted_partners',
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_counted_partners_decision_id_decisions')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_decision_counted_partners_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('decision_id', 'organisation_id', name=op.f('pk_decision_counted_partners'))
    )
    with op.batch_alter_table('decision_counted_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_counted_partners_organisation_id'), ['organisation_id'], unique=False)
    # Counted: today's partners, and every organisation that has taken a position.
    op.execute('INSERT INTO decision_counted_partners (decision_id, organisation_id) '
               'SELECT decisions.id, project_partners.organisation_id FROM decisions '
               'JOIN project_partners ON project_partners.project_id = decisions.project_id '
               'UNION '
               'SELECT DISTINCT positions.decision_id, positions.organisation_id FROM positions')

    op.create_table('decision_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('reply_to_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_decision_comments_author_id_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_comments_decision_id_decisions')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_decision_comments_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['reply_to_id'], ['decision_comments.id'], name=op.f('fk_decision_comments_reply_to_id_decision_comments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_comments'))
    )
    with op.batch_alter_table('decision_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_comments_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_comments_reply_to_id'), ['reply_to_id'], unique=False)

    op.create_table('decision_comment_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['decision_comments.id'], name=op.f('fk_decision_comment_revisions_comment_id_decision_comments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_comment_revisions'))
    )
    with op.batch_alter_table('decision_comment_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_comment_revisions_comment_id'), ['comment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('decision_comment_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_comment_revisions_comment_id'))
    op.drop_table('decision_comment_revisions')
    with op.batch_alter_table('decision_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_comments_reply_to_id'))
        batch_op.drop_index(batch_op.f('ix_decision_comments_decision_id'))
    op.drop_table('decision_comments')
    with op.batch_alter_table('decision_counted_partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_counted_partners_organisation_id'))
    op.drop_table('decision_counted_partners')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_column('decision_rule')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('minimum_notice_days')
