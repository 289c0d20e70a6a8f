"""The cycle's deployments on a Prefect server, with their schedules (cron in Asia/Ho_Chi_Minh) and the
event trigger that re-scores when data are ingested. ``cchc deploy`` registers them; a worker of the work pool
runs them from this project's folder (see the README, «Chạy trên máy chủ Prefect»)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

TIMEZONE = "Asia/Ho_Chi_Minh"
INGESTED = "cchc.du-lieu.da-nhap"  # the event ingestion emits (cchc.events)
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Planned:
    name: str
    entrypoint: str
    description: str
    crons: tuple[str, ...] = ()
    on_ingest: bool = False
    parameters: dict = field(default_factory=dict)


# Plans on 20/12 for the next year; reminders five days before each due date (20/3, 20/6, 20/9, 20/12);
# the reports in the afternoon of the 20th; inspections' follow-up at the end of November; the year's
# scoring on 25/12, the emulation review on 27/12.
PLANNED = (
    Planned("ke-hoach-nam", "flows/cycle.py:plan_issuance", "Ban hành kế hoạch CCHC, kế hoạch kiểm tra năm sau",
            ("0 8 20 12 *",)),
    Planned("nhac-bao-cao", "flows/cycle.py:report_reminders", "Nhắc các đơn vị chưa gửi báo cáo trước hạn",
            ("0 8 15 3,6,9,12 *",)),
    Planned("bao-cao-dinh-ky", "flows/cycle.py:periodic_report", "Báo cáo CCHC quý I, 6 tháng, quý III, năm",
            ("0 17 20 3,6,9,12 *",)),
    Planned("theo-doi-kiem-tra", "flows/cycle.py:inspection", "Theo dõi kết quả kiểm tra, kiến nghị",
            ("0 8 30 11 *",)),
    Planned("cham-diem-nam", "flows/cycle.py:scoring", "Chấm điểm, xếp hạng, công bố kết quả năm", ("0 8 25 12 *",)),
    Planned("thi-dua-nam", "flows/cycle.py:emulation", "Bình xét thi đua, khen thưởng năm", ("0 8 27 12 *",)),
    Planned("tinh-lai-diem", "flows/cycle.py:rescore", "Tính lại điểm khi có dữ liệu mới", on_ingest=True),
)


def deploy(work_pool: str, database_url: str | None, out: str, source: Path = ROOT) -> list[str]:
    """Register every deployment with the current Prefect API (creating the process work pool if needed);
    returns their names as ``flow/deployment``."""
    from prefect import flow as load_flow
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.events import DeploymentEventTrigger
    from prefect.exceptions import ObjectNotFound
    from prefect.schedules import Cron

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(work_pool)
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(name=work_pool, type="process"))
    names = []
    for p in PLANNED:
        flow = load_flow.from_source(source=str(source), entrypoint=p.entrypoint)
        triggers = [DeploymentEventTrigger(expect={INGESTED}, parameters={"database_url": database_url, "out": out})] \
            if p.on_ingest else None
        deployment = flow.to_deployment(
            name=p.name, description=p.description,
            schedules=[Cron(c, timezone=TIMEZONE) for c in p.crons] or None, triggers=triggers,
            parameters={"database_url": database_url, "out": out} | p.parameters,
            concurrency_limit=1,  # two changes arriving together: one run after the other, never a race
        )
        deployment.apply(work_pool_name=work_pool)
        names.append(f"{flow.name}/{p.name}")
    return names
