"""emulation records: decided titles and awards, collective ratings, proceedings, accepted research topics

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 15:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'award_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('participant_kind', sa.String(length=10), nullable=False),
        sa.Column('participant', sa.String(length=50), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('form', sa.String(length=60), nullable=False),
        sa.Column('decision_no', sa.String(length=100), nullable=False),
        sa.Column('decided_on', sa.Date(), nullable=False),
        sa.Column('issuer_id', sa.Integer(), nullable=True),
        sa.Column('initiatives', sa.Text(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['issuer_id'], ['unit.id']),
        sa.ForeignKeyConstraint(['batch_id'], ['ingest_batch.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('participant_kind', 'participant', 'year', 'form'),
    )
    op.create_index('ix_award_record_year', 'award_record', ['year'])
    op.create_table(
        'collective_rating',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('rating', sa.String(length=10), nullable=False),
        sa.Column('title', sa.String(length=60), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id']),
        sa.ForeignKeyConstraint(['batch_id'], ['ingest_batch.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('unit_id', 'year'),
    )
    op.create_table(
        'proceeding',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('opened_on', sa.Date(), nullable=False),
        sa.Column('closed_on', sa.Date(), nullable=True),
        sa.Column('outcome', sa.String(length=500), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['person.id']),
        sa.ForeignKeyConstraint(['batch_id'], ['ingest_batch.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('person_id', 'kind', 'opened_on'),
    )
    op.create_table(
        'research_topic',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=50), nullable=False),
        sa.Column('title', sa.String(length=500), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=20), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['person.id']),
        sa.ForeignKeyConstraint(['batch_id'], ['ingest_batch.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code', 'person_id'),
    )


def downgrade() -> None:
    op.drop_table('research_topic')
    op.drop_table('proceeding')
    op.drop_table('collective_rating')
    op.drop_index('ix_award_record_year', table_name='award_record')
    op.drop_table('award_record')
