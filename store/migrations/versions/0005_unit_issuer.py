"""the unit as the issuer of documents: abbreviation, place, signer and authority, recipients

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 11:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

COLUMNS = (("abbreviation", 30), ("place", 100), ("signer_name", 200), ("signer_title", 100),
           ("signer_authority", 100), ("recipients", 1000))


def upgrade() -> None:
    with op.batch_alter_table('unit') as batch:
        for name, length in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('unit') as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
