"""Organisations own their membership: email domains, confirmed people, organisation
administrators, and partners that accept an invitation

Revision ID: 0013_organisation_membership
Revises: 0012_input_bounds
Create Date: 2026-11-28 05:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_organisation_membership'
down_revision = '0012_input_bounds'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'organisation_domains',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('domain', sa.String(length=253), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_organisation_domains_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_domains')),
        sa.UniqueConstraint('domain', name=op.f('uq_organisation_domains_domain')),
    )
    with op.batch_alter_table('organisation_domains', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_domains_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('is_organisation_admin', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('project_partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Enum('invited', 'accepted', name='partnerstatus', native_enum=False,
                                                        length=40), server_default='accepted', nullable=False))
        batch_op.add_column(sa.Column('invited_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('accepted_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_project_partners_invited_by_id_users'), 'users', ['invited_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_project_partners_accepted_by_id_users'), 'users', ['accepted_by_id'], ['id'])

    # Everyone already here joined through an administrator or a lead they worked with, and
    # every partner was added by a lead: they carry over as confirmed and accepted.
    users = sa.table('users', sa.column('organisation_confirmed_at', sa.DateTime(timezone=True)),
                     sa.column('created_at', sa.DateTime(timezone=True)))
    op.execute(users.update().values(organisation_confirmed_at=users.c.created_at))
    partners = sa.table('project_partners', sa.column('accepted_at', sa.DateTime(timezone=True)),
                        sa.column('joined_at', sa.DateTime(timezone=True)))
    op.execute(partners.update().values(accepted_at=partners.c.joined_at))


def downgrade():
    with op.batch_alter_table('project_partners', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_project_partners_accepted_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_project_partners_invited_by_id_users'), type_='foreignkey')
        batch_op.drop_column('accepted_by_id')
        batch_op.drop_column('accepted_at')
        batch_op.drop_column('invited_by_id')
        batch_op.drop_column('status')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('is_organisation_admin')
        batch_op.drop_column('organisation_confirmed_at')

    with op.batch_alter_table('organisation_domains', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_domains_organisation_id'))
    op.drop_table('organisation_domains')
