"""Reminders and digests: a project's reminder lead time, when a lead last reminded the
silent partners of a decision, and the digests sent per person and period

Revision ID: 0016_notification_schedule
Revises: 0015_notifications
Create Date: 2026-11-28 08:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_notification_schedule'
down_revision = '0015_notifications'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, never a batch copy: other tables' rows refer to both tables.
    op.add_column('projects', sa.Column('reminder_lead_days', sa.Integer(), server_default=sa.text('3'), nullable=False))
    op.add_column('decisions', sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('digests_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('period_key', sa.String(length=40), nullable=False),
    sa.Column('outbox_message_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_messages.id'], name=op.f('fk_digests_sent_outbox_message_id_outbox_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_digests_sent_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digests_sent')),
    sa.UniqueConstraint('user_id', 'period_key', name=op.f('uq_digests_sent_user_id_period_key'))
    )


def downgrade():
    op.drop_table('digests_sent')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_column('reminded_at')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('reminder_lead_days')
