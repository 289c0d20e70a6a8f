"""a rule file's text kept with the runs scored by it: documents explain a run with the rules that gave its points

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 23:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ruleset_text',
                    sa.Column('digest', sa.String(length=64), nullable=False),
                    sa.Column('text', sa.Text(), nullable=False),
                    sa.PrimaryKeyConstraint('digest'))


def downgrade() -> None:
    op.drop_table('ruleset_text')
