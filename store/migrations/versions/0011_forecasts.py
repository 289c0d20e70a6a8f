"""year-end forecasts made by the periodic report step

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 16:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'year_forecast',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ruleset_id', sa.String(length=100), nullable=False),
        sa.Column('period_code', sa.String(length=20), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('made_at', sa.DateTime(), nullable=False),
        sa.Column('points', sa.Float(), nullable=False),
        sa.Column('points_low', sa.Float(), nullable=False),
        sa.Column('points_high', sa.Float(), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=True),
        sa.Column('rank_best', sa.Integer(), nullable=True),
        sa.Column('rank_worst', sa.Integer(), nullable=True),
        sa.Column('klass', sa.String(length=30), nullable=False),
        sa.Column('level', sa.Float(), nullable=False),
        sa.Column('past_years', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['period_code'], ['period.code']),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_year_forecast_period', 'year_forecast', ['ruleset_id', 'period_code', 'made_at'])


def downgrade() -> None:
    op.drop_index('ix_year_forecast_period', table_name='year_forecast')
    op.drop_table('year_forecast')
