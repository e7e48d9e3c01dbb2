"""Outcome indicators, measurements and CSV imports

Revision ID: 0005_indicators
Revises: 0004_summaries
Create Date: 2026-11-23 11:17:01.053768

"""
from alembic import op
import sqlalchemy as sa

from localvision.models.base import ExactDecimal


# revision identifiers, used by Alembic.
revision = '0005_indicators'
down_revision = '0004_summaries'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('unit', sa.Enum('count', 'percentage', 'pounds', 'rate_per_1000', 'rate_per_100000', 'days', 'minutes', name='unit', native_enum=False, length=40), nullable=False),
    sa.Column('decimal_places', sa.Integer(), nullable=False),
    sa.Column('direction', sa.Enum('higher', 'lower', name='direction', native_enum=False, length=40), nullable=False),
    sa.Column('baseline_value', ExactDecimal(18, 4), nullable=True),
    sa.Column('baseline_date', sa.Date(), nullable=True),
    sa.Column('target_value', ExactDecimal(18, 4), nullable=True),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('frequency', sa.Enum('monthly', 'quarterly', 'annual', name='frequency', native_enum=False, length=40), nullable=False),
    sa.Column('owner_organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['owner_organisation_id'], ['organisations.id'], name=op.f('fk_indicators_owner_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_indicators_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicators')),
    sa.UniqueConstraint('project_id', 'name', name=op.f('uq_indicators_project_id_name'))
    )
    op.create_index(op.f('ix_indicators_owner_organisation_id'), 'indicators', ['owner_organisation_id'], unique=False)
    op.create_index(op.f('ix_indicators_project_id'), 'indicators', ['project_id'], unique=False)
    op.create_table('measurement_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('has_problems', 'ready', 'queued', 'imported', 'failed', name='importstatus', native_enum=False, length=40), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('new_count', sa.Integer(), nullable=False),
    sa.Column('corrected_count', sa.Integer(), nullable=False),
    sa.Column('unchanged_count', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_measurement_imports_project_id_projects')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_measurement_imports_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measurement_imports'))
    )
    op.create_index(op.f('ix_measurement_imports_project_id'), 'measurement_imports', ['project_id'], unique=False)
    op.create_table('measurements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('value', ExactDecimal(18, 4), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_measurements_entered_by_id_users')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_measurements_indicator_id_indicators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measurements')),
    sa.UniqueConstraint('indicator_id', 'period', name=op.f('uq_measurements_indicator_id_period'))
    )
    op.create_table('measurement_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measurement_id', sa.Integer(), nullable=False),
    sa.Column('value', ExactDecimal(18, 4), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.Column('replaced_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_measurement_revisions_entered_by_id_users')),
    sa.ForeignKeyConstraint(['measurement_id'], ['measurements.id'], name=op.f('fk_measurement_revisions_measurement_id_measurements')),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['users.id'], name=op.f('fk_measurement_revisions_replaced_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measurement_revisions'))
    )
    op.create_index(op.f('ix_measurement_revisions_measurement_id'), 'measurement_revisions', ['measurement_id'], unique=False)
    with op.batch_alter_table('projects') as batch_op:
        batch_op.add_column(sa.Column('indicator_tolerance_percent', sa.Integer(), server_default=sa.text('10'), nullable=False))


def downgrade():
    with op.batch_alter_table('projects') as batch_op:
        batch_op.drop_column('indicator_tolerance_percent')
    op.drop_index(op.f('ix_measurement_revisions_measurement_id'), table_name='measurement_revisions')
    op.drop_table('measurement_revisions')
    op.drop_table('measurements')
    op.drop_index(op.f('ix_measurement_imports_project_id'), table_name='measurement_imports')
    op.drop_table('measurement_imports')
    op.drop_index(op.f('ix_indicators_project_id'), table_name='indicators')
    op.drop_index(op.f('ix_indicators_owner_organisation_id'), table_name='indicators')
    op.drop_table('indicators')
