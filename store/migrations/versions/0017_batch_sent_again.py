"""the same bytes may land again, sent again on purpose (cchc ingest --lai): an earlier file sent back after a later
file of its kind corrected it, its values current once more, a batch of its own

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 23:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

# SQLite's constraint has no name of its own: batch mode names it by this convention to drop it.
NAMED = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        with op.batch_alter_table('ingest_batch', naming_convention=NAMED) as batch:
            batch.drop_constraint('uq_ingest_batch_sha256', type_='unique')
            batch.create_index('ix_ingest_batch_sha256', ['sha256'])
        return
    for unique in sa.inspect(bind).get_unique_constraints('ingest_batch'):
        if unique['column_names'] == ['sha256']:
            op.drop_constraint(unique['name'], 'ingest_batch', type_='unique')
    op.create_index('ix_ingest_batch_sha256', 'ingest_batch', ['sha256'])


def downgrade() -> None:
    # only while every file's bytes landed once: a file sent back after its correction has two batches
    op.drop_index('ix_ingest_batch_sha256', 'ingest_batch')
    with op.batch_alter_table('ingest_batch', naming_convention=NAMED) as batch:
        batch.create_unique_constraint('uq_ingest_batch_sha256', ['sha256'])
