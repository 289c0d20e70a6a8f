"""a Bằng khen or Giấy khen may be given to one person or collective by several campaigns' decisions in a year
(Luật TĐKT 2022 Đ.74, 75): a campaign award's key takes its decision's number for those forms, and the
participant's kind; a title stays once a year

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 09:45:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

NAMED = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
OLD = ['year', 'participant', 'form']
NEW = ['year', 'participant_kind', 'participant', 'form', 'decision_key']


def upgrade() -> None:
    from base.award_forms import REPEATED_FORMS, form_code
    from store.ingest.people import decision_key

    bind = op.get_bind()
    op.add_column('award', sa.Column('decision_key', sa.String(length=100), nullable=False, server_default=''))
    table = sa.table('award', sa.column('id', sa.Integer), sa.column('form', sa.String),
                     sa.column('participant_kind', sa.String), sa.column('decision_no', sa.String),
                     sa.column('decision_key', sa.String))
    rows = bind.execute(sa.select(table.c.id, table.c.form, table.c.participant_kind, table.c.decision_no)).all()
    for row_id, form, kind, number in rows:  # a campaign's form is stored as the campaign words it
        if form_code(form, kind) in REPEATED_FORMS:
            bind.execute(table.update().where(table.c.id == row_id).values(decision_key=decision_key(number)))
    if bind.dialect.name == "sqlite":
        with op.batch_alter_table('award', naming_convention=NAMED) as batch:
            batch.drop_constraint('uq_award_year', type_='unique')
            batch.create_unique_constraint('uq_award_decision', NEW)
        return
    for unique in sa.inspect(bind).get_unique_constraints('award'):
        if unique['column_names'] == OLD:
            op.drop_constraint(unique['name'], 'award', type_='unique')
    op.create_unique_constraint('uq_award_decision', 'award', NEW)


def downgrade() -> None:
    # only while no one holds two Bằng khen or Giấy khen of one form in a year
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        with op.batch_alter_table('award', naming_convention=NAMED) as batch:
            batch.drop_constraint('uq_award_decision', type_='unique')
            batch.create_unique_constraint('uq_award_year', OLD)
            batch.drop_column('decision_key')
        return
    op.drop_constraint('uq_award_decision', 'award', type_='unique')
    op.create_unique_constraint('uq_award_old', 'award', OLD)
    op.drop_column('award', 'decision_key')
