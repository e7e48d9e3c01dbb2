"""Time defaults SQLite understands on databases built before 0005 was corrected

0005 first wrote its server defaults as the text ``now()``, a function only PostgreSQL
has, so on SQLite every indicator, import, measurement and correction failed to save.
0005 now writes ``CURRENT_TIMESTAMP`` there; this rebuilds the four columns of a SQLite
database migrated before that. Their tables are empty (nothing could be saved in them).
PostgreSQL already has the right defaults.

Revision ID: 0009_portable_time_defaults
Revises: 0008_domain_events
Create Date: 2026-11-28 04:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_portable_time_defaults'
down_revision = '0008_domain_events'
branch_labels = None
depends_on = None

TIME_DEFAULTS = {
    'indicators': 'created_at',
    'measurement_imports': 'created_at',
    'measurements': 'entered_at',
    'measurement_revisions': 'replaced_at',
}


def upgrade():
    if op.get_bind().dialect.name != 'sqlite':
        return
    for table, column in TIME_DEFAULTS.items():
        with op.batch_alter_table(table, recreate='always') as batch_op:
            batch_op.alter_column(column, existing_type=sa.DateTime(timezone=True), existing_nullable=False,
                                  server_default=sa.func.now())


def downgrade():
    # The corrected defaults are the ones 0005 writes: there is nothing to undo.
    pass
