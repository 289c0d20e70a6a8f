"""what-if answers kept with a score run's improvement plans

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 18:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'whatif_kept',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('target_set', sa.String(length=100), nullable=False),
        sa.Column('target_title', sa.String(length=300), nullable=False),
        sa.Column('goal', sa.String(length=300), nullable=False),
        sa.Column('reached', sa.Boolean(), nullable=False),
        sa.Column('already', sa.Boolean(), nullable=False),
        sa.Column('points_before', sa.Float(), nullable=False),
        sa.Column('rank_before', sa.Integer(), nullable=False),
        sa.Column('points_after', sa.Float(), nullable=False),
        sa.Column('rank_after', sa.Integer(), nullable=False),
        sa.Column('klass_after', sa.String(length=30), nullable=False),
        sa.Column('lines', sa.Text(), nullable=False),
        sa.Column('changes', sa.Text(), nullable=False),
        sa.Column('made_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['score_run.id']),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('run_id', 'unit_id', 'position'),
    )


def downgrade() -> None:
    op.drop_table('whatif_kept')
