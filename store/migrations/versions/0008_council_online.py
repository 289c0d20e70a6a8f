"""the emulation council's voting sessions in the portal

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 14:00:00.000000
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
