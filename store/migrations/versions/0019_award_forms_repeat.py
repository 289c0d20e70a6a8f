"""a Bằng khen or Giấy khen may be given to one person or collective several times a year (Luật TĐKT 2022 Đ.74, 75):
an award record's key takes its decision's number for those forms; a title stays once a year

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 03:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

NAMED = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
OLD = ['participant_kind', 'participant', 'year', 'form']


def upgrade() -> None:
    from store.ingest.awards import REPEATED_FORMS
    from store.ingest.people import decision_key

    bind = op.get_bind()
    op.add_column('award_record', sa.Column('decision_key', sa.String(length=100), nullable=False, server_default=''))
    table = sa.table('award_record', sa.column('id', sa.Integer), sa.column('form', sa.String),
                     sa.column('decision_no', sa.String), sa.column('decision_key', sa.String))
    rows = bind.execute(sa.select(table.c.id, table.c.decision_no).where(table.c.form.in_(sorted(REPEATED_FORMS))))
    for row_id, number in rows.all():
        bind.execute(table.update().where(table.c.id == row_id).values(decision_key=decision_key(number)))
    if bind.dialect.name == "sqlite":
        with op.batch_alter_table('award_record', naming_convention=NAMED) as batch:
            batch.drop_constraint('uq_award_record_participant_kind', type_='unique')
            batch.create_unique_constraint('uq_award_record_participant_kind', OLD + ['decision_key'])
        return
    for unique in sa.inspect(bind).get_unique_constraints('award_record'):
        if unique['column_names'] == OLD:
            op.drop_constraint(unique['name'], 'award_record', type_='unique')
    op.create_unique_constraint('uq_award_record_decision', 'award_record', OLD + ['decision_key'])


def downgrade() -> None:
    # only while no one holds two Bằng khen or Giấy khen of one form in a year
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        with op.batch_alter_table('award_record', naming_convention=NAMED) as batch:
            batch.drop_constraint('uq_award_record_participant_kind', type_='unique')
            batch.create_unique_constraint('uq_award_record_participant_kind', OLD)
            batch.drop_column('decision_key')
        return
    op.drop_constraint('uq_award_record_decision', 'award_record', type_='unique')
    op.create_unique_constraint('uq_award_record_old', 'award_record', OLD)
    op.drop_column('award_record', 'decision_key')
