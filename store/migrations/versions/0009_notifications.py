"""notifications inside the portal and by e-mail

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 14:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('account', sa.Column('email', sa.String(length=254), nullable=True))
    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.Column('key', sa.String(length=200), nullable=True),
        sa.Column('email_to', sa.String(length=254), nullable=False),
        sa.Column('email_state', sa.String(length=10), nullable=False),
        sa.Column('email_attempts', sa.Integer(), nullable=False),
        sa.Column('email_tried_at', sa.DateTime(), nullable=True),
        sa.Column('email_sent_at', sa.DateTime(), nullable=True),
        sa.Column('email_error', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('account_id', 'key'),
    )
    op.create_index('ix_notification_account', 'notification', ['account_id', 'id'])
    op.create_index('ix_notification_email', 'notification', ['email_state'])


def downgrade() -> None:
    op.drop_index('ix_notification_email', table_name='notification')
    op.drop_index('ix_notification_account', table_name='notification')
    op.drop_table('notification')
    with op.batch_alter_table('account') as batch:
        batch.drop_column('email')
