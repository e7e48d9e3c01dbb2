"""Links between joint decisions and the outcome indicators they aim to move

Revision ID: 0007_decision_indicators
Revises: 0006_position_history
Create Date: 2026-11-23 12:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_decision_indicators'
down_revision = '0006_position_history'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('decision_indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_indicators_decision_id_decisions')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_decision_indicators_indicator_id_indicators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_indicators')),
    sa.UniqueConstraint('decision_id', 'indicator_id', name=op.f('uq_decision_indicators_decision_id_indicator_id'))
    )
    op.create_index(op.f('ix_decision_indicators_indicator_id'), 'decision_indicators', ['indicator_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_decision_indicators_indicator_id'), table_name='decision_indicators')
    op.drop_table('decision_indicators')
