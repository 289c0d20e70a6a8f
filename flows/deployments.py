"""The cycle's deployments on a Prefect server, derived from the office's step table (``office.year.STEPS``:
each step's cron in Asia/Ho_Chi_Minh), one deployment for the whole year (run on demand), and the event
trigger that re-scores when data are ingested. ``cchc deploy`` registers them; a worker of the work pool runs
them from this project's folder (see the README, «Chạy trên máy chủ Prefect»)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from office.year import STEPS, TIMEZONE
from store.outbox import INGESTED  # the event of every ingestion batch (store.outbox, flows.events)

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Planned:
    name: str
    flow: str  # the flow function in flows.year
    description: str
    crons: tuple[str, ...] = ()
    on_ingest: bool = False
    parameters: dict = field(default_factory=dict)

    @property
    def entrypoint(self) -> str:
        """Module-style, so that loading it never shadows the ``cycle`` package with a file of that name."""
        return f"flows.year.{self.flow}"


RESCORE_EVERY = "*/15 * * * *"  # a fallback for events that could not be delivered: stale periods are re-scored
HEARTBEAT_SECONDS = 30  # a flow run's heartbeat (Prefect emits none below 30 s)
SILENT_SECONDS = 120  # a run silent this long is dead (its worker or machine went away): it is marked Crashed
PLANNED = tuple(Planned(s.deployment, s.name, s.title.split(" {")[0], (s.cron,)) for s in STEPS) + (
    Planned("chu-trinh-nam", "yearly_cycle", "Cả chu trình CCHC của một năm (chạy khi cần)"),
    Planned("tinh-lai-diem", "rescore", "Tính lại điểm khi có dữ liệu mới (và 15 phút một lần)", (RESCORE_EVERY,),
            on_ingest=True),
)
ZOMBIES = "cchc: lượt chạy mất tín hiệu → Crashed"


def deploy(work_pool: str, database_url: str | None, out: str, source: Path = ROOT, tinh: str | None = None) -> list[str]:
    """Register every deployment with the current Prefect API (creating the process work pool if needed);
    returns their names as ``flow/deployment``. For a province (``tinh``): its own deployments, named with its
    key, whose runs find its store in the registry, and a trigger that listens to its events only."""
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
    store = {"database_url": database_url, "out": out}
    env = {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(HEARTBEAT_SECONDS)}
    match = {}
    if tinh:
        from office.provinces import registry_path

        store, match = {"tinh": tinh, "out": out}, {"cchc.tinh": tinh}
        env["CCHC_PROVINCES"] = str(registry_path())  # a worker runs from the project's folder, not the registry's
    for p in PLANNED:
        flow = load_flow.from_source(source=str(source), entrypoint=p.entrypoint)
        triggers = [DeploymentEventTrigger(expect={INGESTED}, match=match, parameters=store)] if p.on_ingest else None
        deployment = flow.to_deployment(
            name=f"{p.name}-{tinh}" if tinh else p.name, description=p.description,
            schedules=[Cron(c, timezone=TIMEZONE) for c in p.crons] or None, triggers=triggers,
            parameters=store | p.parameters,
            concurrency_limit=1,  # two changes arriving together: one run after the other, never a race
            job_variables={"env": env},
        )
        deployment.apply(work_pool_name=work_pool)
        names.append(f"{flow.name}/{deployment.name}")
    crash_the_silent()
    return names


def crash_the_silent() -> None:
    """The automation that marks a flow run Crashed when its heartbeats stop (a worker killed, a machine gone),
    so that it frees its deployment's concurrency slot instead of holding it for ever. Created once."""
    from datetime import timedelta

    from prefect.automations import Automation
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification
    from prefect.exceptions import ObjectNotFound

    try:
        Automation.read(name=ZOMBIES)
        return
    except (ObjectNotFound, ValueError):
        pass
    Automation(
        name=ZOMBIES,
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={"prefect.flow-run.heartbeat", "prefect.flow-run.Completed", "prefect.flow-run.Failed",
                    "prefect.flow-run.Cancelled", "prefect.flow-run.Crashed"},
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            for_each={"prefect.resource.id"}, posture=Posture.Proactive, threshold=1,
            within=timedelta(seconds=SILENT_SECONDS)),
        actions=[ChangeFlowRunState(state=StateType.CRASHED,
                                    message="Lượt chạy mất tín hiệu (worker hoặc máy đã dừng): đánh dấu Crashed")],
    ).create()
