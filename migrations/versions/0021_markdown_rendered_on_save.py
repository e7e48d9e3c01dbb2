"""Markdown rendered once, when it is saved: the HTML kept beside each text

Revision ID: 0021_markdown_rendered_on_save
Revises: 0020_disclosed_totals
Create Date: 2026-12-07 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_markdown_rendered_on_save'
down_revision = '0020_disclosed_totals'
branch_labels = None
depends_on = None

# (table, text column, HTML column)
RENDERED = [
    ('decisions', 'rationale', 'rationale_html'),
    ('vision_versions', 'text', 'text_html'),
    ('decision_comments', 'text', 'text_html'),
    ('decision_comment_revisions', 'text', 'text_html'),
]


def upgrade():
    for table, _text, html in RENDERED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(html, sa.Text(), nullable=True))

    # The texts already saved, rendered as the application renders them on save.
    from localvision.domain.markdown_text import render_markdown
    connection = op.get_bind()
    for table, text, html in RENDERED:
        rows = connection.execute(sa.text(f"SELECT id, {text} FROM {table}")).all()
        if rows:
            connection.execute(sa.text(f"UPDATE {table} SET {html} = :html WHERE id = :id"),
                               [{"id": row_id, "html": render_markdown(value or "")} for row_id, value in rows])
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(html, existing_type=sa.Text(), nullable=False)


def downgrade():
    for table, _text, html in RENDERED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(html)
