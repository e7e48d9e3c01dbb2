"""Notifications: what each person is told, their preferences, and the events already told

Revision ID: 0015_notifications
Revises: 0014_running_totals
Create Date: 2026-11-28 07:50:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_notifications'
down_revision = '0014_running_totals'
branch_labels = None
depends_on = None

KINDS = ('decision.awaits', 'decision.amended', 'decision.closed', 'decision.withdrawn', 'decision.reopened',
         'decision.date_moved',
         'vision.awaits', 'vision.agreed', 'action.given', 'invitation.received', 'partner.invited',
         'decision.reminder', 'decision.ready_to_close', 'action.due_tomorrow', 'action.overdue', 'indicator.stale',
         'decision.review_due')
DELIVERIES = ('immediately', 'digest', 'off')


def _kind():
    return sa.Enum(*KINDS, name='notificationkind', native_enum=False, length=40)


def _delivery():
    return sa.Enum(*DELIVERIES, name='delivery', native_enum=False, length=40)


def upgrade():
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('kind', _kind(), nullable=False),
    sa.Column('headline', sa.String(length=300), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('object_type', sa.String(length=60), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('delivery', _delivery(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outbox_message_id', sa.Integer(), nullable=True),
    sa.Column('digested_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['audit_events.id'], name=op.f('fk_notifications_event_id_audit_events')),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_messages.id'], name=op.f('fk_notifications_outbox_message_id_outbox_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_notifications_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('user_id', 'dedupe_key', name=op.f('uq_notifications_user_id_dedupe_key'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_project_id'), ['project_id'], unique=False)
        batch_op.create_index('ix_notifications_user_id_created_at', ['user_id', 'created_at'], unique=False)
        batch_op.create_index('ix_notifications_user_id_read_at', ['user_id', 'read_at'], unique=False)
    op.create_table('notification_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', _kind(), nullable=False),
    sa.Column('delivery', _delivery(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preferences')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_notification_preferences_user_id_kind'))
    )
    op.create_table('notification_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('digest_frequency', sa.Enum('daily', 'weekly', 'never', name='digestfrequency', native_enum=False, length=40), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_settings'))
    )
    notified = op.create_table('notified_events',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['audit_events.id'], name=op.f('fk_notified_events_event_id_audit_events')),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_notified_events'))
    )
    # History already recorded is not news: the fan-out starts after the newest event.
    connection = op.get_bind()
    newest = connection.execute(sa.text("SELECT max(id) FROM audit_events")).scalar()
    if newest is not None:
        op.bulk_insert(notified, [{"event_id": newest, "processed_at": datetime(2000, 1, 1, tzinfo=timezone.utc)}])


def downgrade():
    op.drop_table('notified_events')
    op.drop_table('notification_settings')
    op.drop_table('notification_preferences')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_id_read_at')
        batch_op.drop_index('ix_notifications_user_id_created_at')
        batch_op.drop_index(batch_op.f('ix_notifications_project_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_event_id'))
    op.drop_table('notifications')
