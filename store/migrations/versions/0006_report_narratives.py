"""what a unit says in each section of its periodic report

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 12:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_narrative',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('period_code', sa.String(length=20), nullable=False),
        sa.Column('section', sa.String(length=30), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['batch_id'], ['ingest_batch.id']),
        sa.ForeignKeyConstraint(['period_code'], ['period.code']),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_narrative_period_unit', 'report_narrative', ['period_code', 'unit_id'])


def downgrade() -> None:
    op.drop_index('ix_narrative_period_unit', table_name='report_narrative')
    op.drop_table('report_narrative')
