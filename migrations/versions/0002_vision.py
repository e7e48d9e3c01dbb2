"""The shared vision: versions, positions and comments

Revision ID: 0002_vision
Revises: 0001_foundation
Create Date: 2026-11-23 11:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_vision'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('vision_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('change_note', sa.String(length=300), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('based_on_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_vision_versions_author_id_users')),
    sa.ForeignKeyConstraint(['based_on_id'], ['vision_versions.id'], name=op.f('fk_vision_versions_based_on_id_vision_versions')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_vision_versions_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_vision_versions_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vision_versions')),
    sa.UniqueConstraint('project_id', 'number', name=op.f('uq_vision_versions_project_id_number'))
    )
    with op.batch_alter_table('vision_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vision_versions_project_id'), ['project_id'], unique=False)

    op.create_table('vision_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_vision_comments_author_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_vision_comments_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['version_id'], ['vision_versions.id'], name=op.f('fk_vision_comments_version_id_vision_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vision_comments'))
    )
    with op.batch_alter_table('vision_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vision_comments_version_id'), ['version_id'], unique=False)

    op.create_table('vision_positions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('stance', sa.Enum('endorse', 'endorse_with_reservations', 'object', name='stance', native_enum=False, length=40), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_vision_positions_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_vision_positions_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['vision_versions.id'], name=op.f('fk_vision_positions_version_id_vision_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vision_positions'))
    )
    with op.batch_alter_table('vision_positions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vision_positions_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vision_positions_version_id'), ['version_id'], unique=False)



def downgrade():
    with op.batch_alter_table('vision_positions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vision_positions_version_id'))
        batch_op.drop_index(batch_op.f('ix_vision_positions_organisation_id'))

    op.drop_table('vision_positions')
    with op.batch_alter_table('vision_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vision_comments_version_id'))

    op.drop_table('vision_comments')
    with op.batch_alter_table('vision_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vision_versions_project_id'))

    op.drop_table('vision_versions')
