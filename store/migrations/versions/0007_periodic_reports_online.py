"""periodic reports filled and submitted in the portal

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 14:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'periodic_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('period_code', sa.String(length=20), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('document_no', sa.String(length=100), nullable=False),
        sa.Column('saved_at', sa.DateTime(), nullable=True),
        sa.Column('saved_by', sa.String(length=60), nullable=False),
        sa.Column('submitted_at', sa.DateTime(), nullable=True),
        sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
        sa.Column('submissions', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['batch_id'], ['ingest_batch.id']),
        sa.ForeignKeyConstraint(['period_code'], ['period.code']),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('unit_id', 'period_code'),
    )
    op.create_table(
        'periodic_report_figure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('indicator_code', sa.String(length=60), nullable=False),
        sa.Column('value', sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(['indicator_code'], ['indicator.code']),
        sa.ForeignKeyConstraint(['report_id'], ['periodic_report.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('report_id', 'indicator_code'),
    )
    op.create_table(
        'periodic_report_text',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('section', sa.String(length=30), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['report_id'], ['periodic_report.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('report_id', 'section'),
    )
    op.create_table(
        'periodic_report_sending',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(), nullable=False),
        sa.Column('submitted_by', sa.String(length=60), nullable=False),
        sa.Column('document_no', sa.String(length=100), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['batch_id'], ['ingest_batch.id']),
        sa.ForeignKeyConstraint(['report_id'], ['periodic_report.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_periodic_sending_batch', 'periodic_report_sending', ['batch_id'])


def downgrade() -> None:
    op.drop_index('ix_periodic_sending_batch', table_name='periodic_report_sending')
    op.drop_table('periodic_report_sending')
    op.drop_table('periodic_report_text')
    op.drop_table('periodic_report_figure')
    op.drop_table('periodic_report')
