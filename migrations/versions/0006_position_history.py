"""Each position names the one it replaces

Revision ID: 0006_position_history
Revises: 0005_indicators
Create Date: 2026-11-23 12:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_position_history'
down_revision = '0005_indicators'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replaces_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_positions_replaces_id_positions'), 'positions', ['replaces_id'], ['id'])
    # Positions already recorded replace the organisation's previous one on the same decision.
    op.execute(
        "UPDATE positions SET replaces_id = (SELECT MAX(earlier.id) FROM positions earlier "
        "WHERE earlier.decision_id = positions.decision_id AND earlier.organisation_id = positions.organisation_id "
        "AND earlier.id < positions.id)"
    )
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.create_index('uq_positions_first_response', ['decision_id', 'organisation_id'], unique=True,
                              postgresql_where=sa.text('replaces_id IS NULL'), sqlite_where=sa.text('replaces_id IS NULL'))


def downgrade():
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.drop_index('uq_positions_first_response', postgresql_where=sa.text('replaces_id IS NULL'),
                            sqlite_where=sa.text('replaces_id IS NULL'))
        batch_op.drop_constraint(batch_op.f('fk_positions_replaces_id_positions'), type_='foreignkey')
        batch_op.drop_column('replaces_id')
