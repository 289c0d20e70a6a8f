"""an account's wrong passwords are counted within a quarter hour of the last one, as a name no account has is
(its row then deleted): the time of the last one is kept

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 09:15:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('account') as batch:
        batch.add_column(sa.Column('failed_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('account') as batch:
        batch.drop_column('failed_at')
