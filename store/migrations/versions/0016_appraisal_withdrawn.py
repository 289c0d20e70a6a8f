"""an appraisal may be withdrawn: a record without points gives the criterion back its self-assessed points

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 20:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('appraisal') as batch:
        batch.alter_column('points', existing_type=sa.Float(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM appraisal WHERE points IS NULL")
    with op.batch_alter_table('appraisal') as batch:
        batch.alter_column('points', existing_type=sa.Float(), nullable=False)
