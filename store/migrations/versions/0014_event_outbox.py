"""an outbox of events for the Prefect server, written with the batch that causes them

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 19:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'event_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.String(length=36), nullable=False),
        sa.Column('event', sa.String(length=100), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=True),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('sent_as', sa.String(length=36), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('last_error', sa.String(length=500), nullable=False, server_default=''),
        sa.ForeignKeyConstraint(['batch_id'], ['ingest_batch.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('event_id'),
    )
    op.create_index('ix_event_outbox_unsent', 'event_outbox', ['sent_at', 'id'])


def downgrade() -> None:
    op.drop_index('ix_event_outbox_unsent', table_name='event_outbox')
    op.drop_table('event_outbox')
