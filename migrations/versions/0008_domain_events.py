"""Audit events double as domain events: a kind for programs and a payload of ids

Revision ID: 0008_domain_events
Revises: 0007_decision_indicators
Create Date: 2026-11-28 05:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_domain_events'
down_revision = '0007_decision_indicators'
branch_labels = None
depends_on = None

# The kinds of the events already recorded, from what they were recorded on and the
# audit trail's words for them.
EXISTING_KINDS = {
    ('Project', 'created'): 'project.created',
    ('Project', 'updated'): 'project.updated',
    ('Project', 'published'): 'project.published',
    ('Project', 'unpublished'): 'project.unpublished',
    ('ProjectPartner', 'added'): 'partner.added',
    ('ProjectPartner', 'removed'): 'partner.removed',
    ('ProjectMembership', 'added'): 'member.added',
    ('ProjectMembership', 'joined'): 'member.joined',
    ('ProjectMembership', 'removed'): 'member.removed',
    ('ProjectMembership', 'role changed'): 'member.role_changed',
    ('ProjectMembership', 'representative named'): 'member.representative_named',
    ('ProjectMembership', 'representative removed'): 'member.representative_removed',
    ('Invitation', 'invited'): 'invitation.sent',
    ('Decision', 'proposed'): 'decision.proposed',
    ('Decision', 'amendment proposed'): 'decision.amendment_proposed',
    ('Decision', 'updated'): 'decision.updated',
    ('Decision', 'withdrawn'): 'decision.withdrawn',
    ('Decision', 'closed'): 'decision.closed',
    ('Decision', 'reopened'): 'decision.reopened',
    ('Decision', 'review date set'): 'decision.review_date_set',
    ('Position', 'position recorded'): 'decision.position_recorded',
    ('Contribution', 'contribution added'): 'decision.contribution_added',
    ('Contribution', 'contribution removed'): 'decision.contribution_removed',
    ('Action', 'action added'): 'action.added',
    ('Action', 'action done'): 'action.done',
    ('Action', 'action dropped'): 'action.dropped',
    ('VisionVersion', 'proposed'): 'vision.proposed',
    ('VisionPosition', 'position recorded'): 'vision.position_recorded',
    ('VisionComment', 'commented'): 'vision.commented',
    ('Indicator', 'created'): 'indicator.created',
    ('Indicator', 'updated'): 'indicator.updated',
    ('DecisionIndicator', 'linked'): 'indicator.linked',
    ('DecisionIndicator', 'unlinked'): 'indicator.unlinked',
    ('Measurement', 'added'): 'measurement.added',
    ('Measurement', 'corrected'): 'measurement.corrected',
    ('MeasurementImport', 'imported'): 'measurement.imported',
}


def _append_only_trigger(enabled: bool) -> None:
    # The trail refuses updates on PostgreSQL; naming the kinds of old rows is the one
    # rewrite allowed, and only inside this migration.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"ALTER TABLE audit_events {'ENABLE' if enabled else 'DISABLE'} TRIGGER audit_events_append_only")


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('payload', sa.JSON(), nullable=True))

    _append_only_trigger(enabled=False)
    events = sa.table('audit_events', sa.column('kind', sa.String), sa.column('object_type', sa.String),
                      sa.column('action', sa.String))
    for (object_type, action), kind in EXISTING_KINDS.items():
        op.execute(events.update()
                   .where(events.c.object_type == object_type, events.c.action == action, events.c.kind.is_(None))
                   .values(kind=kind))
    op.execute(events.update().where(events.c.kind.is_(None))
               .values(kind=sa.func.lower(events.c.object_type, type_=sa.String) + '.'
                       + sa.func.replace(events.c.action, ' ', '_', type_=sa.String)))
    _append_only_trigger(enabled=True)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=60), nullable=False)


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('payload')
        batch_op.drop_column('kind')
