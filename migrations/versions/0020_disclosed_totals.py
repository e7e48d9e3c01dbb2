"""Running totals of the disclosed decisions beside those of all: what outsiders are shown

Revision ID: 0020_disclosed_totals
Revises: 0019_sector_totals
Create Date: 2026-12-07 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_disclosed_totals'
down_revision = '0019_sector_totals'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('decision_totals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_disclosed', sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table('sector_set_totals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disclosed_decisions', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('disclosed_amount', sa.Numeric(precision=16, scale=2), server_default='0',
                                      nullable=False))
    with op.batch_alter_table('organisation_totals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disclosed_decisions_cofunded', sa.Integer(), server_default='0',
                                      nullable=False))
    with op.batch_alter_table('indicator_totals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disclosed_amount', sa.Numeric(precision=16, scale=2), server_default='0',
                                      nullable=False))

    # Every existing project's totals from the base rows, as the nightly check would. This
    # runs the application's rebuild, which writes every totals table: a later migration
    # that changes them moves this rebuild into itself.
    from localvision.summaries import totals
    connection = op.get_bind()
    for (project_id,) in connection.execute(sa.text("SELECT id FROM projects")).all():
        totals.rebuild_project(connection, project_id)
    # Every stored summary lacks the figures outsiders are now shown: each is recomputed, and
    # the platform's, drawn for anyone, is not shown until it is.
    connection.execute(sa.text("UPDATE project_summaries SET changes_requested = changes_requested + 1"))
    connection.execute(sa.text("DELETE FROM platform_summaries"))


def downgrade():
    with op.batch_alter_table('indicator_totals', schema=None) as batch_op:
        batch_op.drop_column('disclosed_amount')
    with op.batch_alter_table('organisation_totals', schema=None) as batch_op:
        batch_op.drop_column('disclosed_decisions_cofunded')
    with op.batch_alter_table('sector_set_totals', schema=None) as batch_op:
        batch_op.drop_column('disclosed_amount')
        batch_op.drop_column('disclosed_decisions')
    with op.batch_alter_table('decision_totals', schema=None) as batch_op:
        batch_op.drop_column('is_disclosed')
