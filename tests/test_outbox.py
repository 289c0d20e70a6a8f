"""The outbox of events: an ingestion batch writes its event in its own transaction (a refused file writes
neither), and a server that does not answer leaves it waiting, said by name. Delivery to a real server that
is stopped and started again: tests/test_faults_on_a_server.py."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cli_runner import cchc
from helpers import FACT_HEADERS, units_file, write_csv
from prefect_server import free_port


@pytest.fixture
def store(tmp_path):
    from store.db import make_engine, upgrade
    from store.ingest import ingest_file

    engine = make_engine(f"sqlite:///{tmp_path / 'cchc.db'}")
    upgrade(engine)
    ingest_file(engine, units_file(tmp_path))
    yield engine
    engine.dispose()


def _events(engine):
    from store.outbox import OutboxEvent

    with Session(engine) as s:
        return s.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).all()


def test_each_batch_writes_its_event_and_a_refused_file_writes_none(store, tmp_path):
    from store import models
    from store.ingest import IngestError, ingest_file
    from store.outbox import INGESTED, waiting

    [units] = _events(store)
    with Session(store) as s:
        assert units.batch_id == s.scalar(select(func.max(models.IngestBatch.id)))
    assert units.event == INGESTED and units.sent_at is None
    good = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [["STP", "Năm 2024", "tthc_cong_khai", 7, ""]])
    bad = write_csv(tmp_path / "sai.csv", FACT_HEADERS, [["KHONG-CO", "Năm 2024", "tthc_cong_khai", 7, ""]])
    with pytest.raises(IngestError):
        ingest_file(store, bad)
    assert len(_events(store)) == 1  # refused: no batch, no event
    landed = ingest_file(store, good)
    assert ingest_file(store, good).already  # the same bytes again: no second batch, no second event
    found = waiting(store)
    assert [w.batch_id for w in found] == [units.batch_id, landed.batch_id]
    assert found[-1].payload == {"kind": "so_lieu", "rows": 1, "loaded": landed.loaded}


def test_an_event_goes_back_with_a_batch_that_fails_before_commit(store):
    """``on_landed`` fails after the rows and the event were written in the transaction: neither remains."""
    from store.ingest import ingest_tables

    def fail(_session, _batch_id):
        raise RuntimeError("dừng trước khi ghi xong")

    table = pd.DataFrame([["STP", "Năm 2024", "tthc_cong_khai", "7", ""]], columns=FACT_HEADERS)
    with pytest.raises(RuntimeError):
        ingest_tables(store, {"so_lieu": table}, "bieu-mau", "so_lieu", "kiem-thu", on_landed=fail)
    assert len(_events(store)) == 1
    ingest_tables(store, {"so_lieu": table}, "bieu-mau", "so_lieu", "kiem-thu")
    assert len(_events(store)) == 2  # a form submitted in the portal has its event too


def test_ingest_with_the_server_down_exits_0_and_says_the_event_waits(tmp_path, monkeypatch):
    url = f"http://127.0.0.1:{free_port()}/api"  # nothing listens there
    monkeypatch.setenv("PREFECT_API_URL", url)
    assert cchc("ingest", units_file(tmp_path), cwd=tmp_path).returncode == 0
    done = cchc("events", "status", cwd=tmp_path)
    assert "đang chờ gửi: 1" in " ".join(done.stdout.split()), done.stdout
    assert url in " ".join(done.stdout.split())
    fix = write_csv(tmp_path / "so_lieu.csv", FACT_HEADERS, [["STP", "Năm 2024", "tthc_cong_khai", 7, ""]])
    done = cchc("ingest", fix, cwd=tmp_path)
    said = " ".join(done.stderr.split())
    assert done.returncode == 0, done.stderr
    assert f"máy chủ Prefect {url} không trả lời" in said and "xếp hàng" in said
    flushed = cchc("events", "flush", cwd=tmp_path)
    assert flushed.returncode == 3 and f"máy chủ Prefect {url}" in " ".join(flushed.stderr.split())
    status = " ".join(cchc("events", "status", cwd=tmp_path).stdout.split())
    assert "đang chờ gửi: 2" in status and "không trả lời" in status
    monkeypatch.delenv("PREFECT_API_URL")
    assert "Chưa đặt PREFECT_API_URL" in " ".join(cchc("events", "flush", cwd=tmp_path).stderr.split())
