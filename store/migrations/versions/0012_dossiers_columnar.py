"""dossiers move out of the SQL store into Parquet datasets under the data directory

Every batch's dossier rows become that batch's dataset (store.dossier_data), as a file ingested now would, and
leave the ``dossier`` table; the facts aggregated from them are left as they are. The datasets go to the data
directory of the database being upgraded (``CCHC_DATA_DIR``, or «du-lieu» beside a SQLite file).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 15:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'dossier_dataset',
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('path', sa.String(length=200), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('first_received', sa.Date(), nullable=False),
        sa.Column('last_received', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['batch_id'], ['ingest_batch.id']),
        sa.PrimaryKeyConstraint('batch_id'),
    )
    op.create_index('ix_dossier_dataset_year', 'dossier_dataset', ['year'])
    move_rows(op.get_bind())


def move_rows(conn) -> None:
    """Each batch's dossier rows as its dataset, then out of the table: one batch at a time, so that memory
    holds one batch."""
    import shutil

    import pandas as pd

    from store import calendar, dossier_data

    batches = [r[0] for r in conn.execute(sa.text("SELECT DISTINCT batch_id FROM dossier ORDER BY batch_id"))]
    for batch_id in batches:
        sha = conn.execute(sa.text("SELECT sha256 FROM ingest_batch WHERE id = :b"), {"b": batch_id}).scalar()
        rows = pd.DataFrame(conn.execute(sa.text(
            "SELECT u.code AS unit, d.code, d.tthc_code AS tthc, d.received, d.due, d.finished, d.channel, "
            "d.has_fee, d.paid_online, d.digitised, d.e_result, d.supplements FROM dossier d "
            "JOIN unit u ON u.id = d.unit_id WHERE d.batch_id = :b ORDER BY d.id"), {"b": batch_id}).mappings().all())
        for col in ("received", "due", "finished"):
            rows[col] = pd.to_datetime(rows[col])
        received = rows["received"].sort_values(ignore_index=True)
        year = calendar.reporting_year_of(received.iloc[len(received) // 2].date())
        engine = conn.engine
        staged = dossier_data.write_dataset(engine, dossier_data.frame_table(rows))
        try:
            relative, _ = dossier_data.publish(engine, staged, sha)
        finally:
            shutil.rmtree(staged, ignore_errors=True)
        conn.execute(sa.text("INSERT INTO dossier_dataset (batch_id, path, year, rows, first_received, "
                             "last_received) VALUES (:b, :p, :y, :n, :f, :l)"),
                     {"b": batch_id, "p": relative, "y": year, "n": len(rows), "f": received.iloc[0].date(),
                      "l": received.iloc[len(received) - 1].date()})
        conn.execute(sa.text("DELETE FROM dossier WHERE batch_id = :b"), {"b": batch_id})


def downgrade() -> None:
    """The datasets' rows back into the ``dossier`` table (the datasets stay on disk, unreferenced)."""
    from sqlalchemy.orm import Session

    from store import dossier_data, models
    from store.ingest.bulk import insert_frame

    conn = op.get_bind()
    engine = conn.engine
    units = dict(conn.execute(sa.text("SELECT code, id FROM unit")).all())
    found = conn.execute(sa.text("SELECT batch_id, path FROM dossier_dataset ORDER BY batch_id")).all()
    session = Session(bind=conn)
    for batch_id, path in found:
        with dossier_data.duck(engine) as con:
            rows = con.execute(f"SELECT * FROM read_parquet({dossier_data.files_of(engine, path)}, "
                               f"hive_partitioning = false)").df()
        rows = rows.assign(unit_id=rows.pop("unit").map(units).astype("int64"), batch_id=batch_id)
        insert_frame(session, models.Dossier, rows[[c.key for c in models.Dossier.__table__.c if c.key != "id"]])
    session.flush()
    op.drop_index('ix_dossier_dataset_year', table_name='dossier_dataset')
    op.drop_table('dossier_dataset')
