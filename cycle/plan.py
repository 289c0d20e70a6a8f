"""Plan issuance (ban hành kế hoạch CCHC năm, seeds 000 and 003): from last year's results and a target set,
the year's targets per index component, the remedial tasks for the criteria that lost points (first), and the
tasks of every reform area with a lead unit, supporting units, deadline and expected output. Stored, so that
periodic reports can follow progress against it."""

from __future__ import annotations

from functools import lru_cache
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import yaml
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from cycle.scoring import Scored
from base.vn import number
from rules.ruleset import RuleSet
from rules.targets import TargetSet
from store import models
from store.db import serialize_writes

PLAN_TASKS = Path(__file__).with_name("plan_tasks.yaml")  # seed 000's tasks per area of the department index
REMEDIAL_BY = (6, 30)  # criteria that lost points are to be remedied by the end of the second quarter
AREAS_BY = (12, 15)  # the areas' tasks run the whole year, reported with the year's report


@dataclass(frozen=True)
class Item:
    section: str  # muc_tieu | khac_phuc | nhiem_vu
    area: str
    title: str
    lead: str
    support: str = ""
    deadline: date | None = None
    output: str = ""
    last_value: float | None = None
    last_rank: int | None = None
    target: str = ""
    rank_range: str = ""


def _area_of(ruleset: RuleSet, criterion: str):
    return next(a for a in ruleset.criteria if any(n.id == criterion for n in a.walk()))


def _rank_range(rank: int) -> str:
    return f"{max(1, rank - 2)}–{rank}" if rank > 1 else "1"


def _goal(last: float) -> str:
    return "giữ 100%" if last >= 100 else f"từ {number(min(100.0, float(np.ceil(last + 1))))}% trở lên"


@lru_cache(maxsize=2)
def _plan_tasks(mtime: int) -> dict:
    """The plan's task texts, read once per version of the file (every department's plan reads them)."""
    return yaml.safe_load(PLAN_TASKS.read_text(encoding="utf-8"))


def draft(scored: Scored, code: str, targets: TargetSet | None = None) -> list[Item]:
    """The items of ``code``'s plan for the year after ``scored``: targets, then remedial tasks, then areas."""
    tasks = _plan_tasks(PLAN_TASKS.stat().st_mtime_ns)
    rs, summary, year = scored.ruleset, scored.summary, scored.year + 1
    if code not in summary.index:
        raise ValueError(f"đơn vị «{code}» không có kết quả «{rs.title}» năm {scored.year} để lập kế hoạch")
    lead = _leads(rs)
    items = []
    for area in rs.criteria:
        column = summary[f"chi_so_{area.id}"]
        last, place = float(column[code]), int(column.rank(ascending=False, method="min")[code])
        items.append(Item("muc_tieu", area.id, f"{area.id}. {area.title}", lead[area.id], last_value=last,
                          last_rank=place, target=_goal(last), rank_range=_rank_range(place)))
    total_rank = int(summary.loc[code, "hang"])
    items.append(Item("muc_tieu", "", "Tổng cộng", "Lãnh đạo đơn vị", last_value=float(summary.loc[code, "ty_le"]),
                      last_rank=total_rank, target=_goal(float(summary.loc[code, "ty_le"])),
                      rank_range=_rank_range(total_rank)))
    # A target set's index replaces the line of the same index computed from last year: each target once.
    same = {"par_index": "", "sipas": "2"}
    for t in targets.targets if targets else ():
        at = next((i for i, x in enumerate(items) if t.index in same and x.area == same[t.index]), None)
        line = Item("muc_tieu", items[at].area if at is not None else t.index, t.label,
                    t.responsible or "Văn phòng", last_value=t.last if t.last is not None else
                    (items[at].last_value if at is not None else None),
                    last_rank=t.last_rank if t.last_rank is not None else (items[at].last_rank if at is not None
                                                                          else None),
                    target=t.threshold_text(), rank_range=t.rank_text())
        if at is None:
            items.append(line)
        else:
            items[at] = line
    for e in scored.result.explain(code):
        if e.lost > 1e-9:
            area = _area_of(rs, e.criterion)
            remedy = tasks.get(area.id, {}).get("remedy", "Xác định nguyên nhân mất điểm và khắc phục.")
            items.append(Item("khac_phuc", e.criterion,
                              f"{remedy} (Năm {year - 1} đạt {number(e.points, 2)}/{number(e.max, 2)} điểm.)",
                              lead[area.id], tasks.get(area.id, {}).get("support", ""), date(year, *REMEDIAL_BY),
                              f"Tiêu chí đạt {number(e.max, 2)}/{number(e.max, 2)} điểm khi tự đánh giá năm {year}"))
    for area in rs.criteria:
        spec = tasks.get(area.id, {})
        for task in spec.get("tasks", ()):
            items.append(Item("nhiem_vu", area.id, task, lead[area.id], spec.get("support", ""), date(year, *AREAS_BY),
                              spec.get("output", "Báo cáo kết quả thực hiện")))
    return items


def issue(engine: Engine, scored: Scored, code: str, targets: TargetSet | None = None, doc_no: str = "",
          issued: date | None = None) -> int:
    """Issue (or re-issue, replacing the earlier draft) ``code``'s plan for the year after ``scored`` from its
    results in ``scored``; returns the plan's id. The same inputs give the same plan."""
    ruleset, year = scored.ruleset, scored.year + 1
    items = draft(scored, code, targets)
    name = scored.frame.loc[code, "name"]
    basis = (f"Căn cứ kết quả {ruleset.title} năm {year - 1} của {name}: "
             f"{number(scored.summary.loc[code, 'ty_le'], 2)}%, xếp hạng {int(scored.summary.loc[code, 'hang'])}/"
             f"{len(scored.summary)}.")
    when = issued or date(year - 1, 12, 20)
    if targets and targets.issued is not None and targets.issued < when:
        basis += f"\nCăn cứ {targets.reference}."
    with Session(engine) as s, s.begin():
        serialize_writes(s)
        unit_id = s.scalar(select(models.Unit.id).where(models.Unit.code == code))
        old = s.scalars(select(models.Plan.id).where(models.Plan.unit_id == unit_id, models.Plan.year == year)).all()
        reported = {}  # what the unit already reported done survives a re-issue of the same task
        if old:
            for i in s.scalars(select(models.PlanItem).where(models.PlanItem.plan_id.in_(old),
                                                             models.PlanItem.done_on.is_not(None))):
                reported[(i.section, i.area, i.title)] = (i.done_on, i.result)
            s.execute(delete(models.PlanItem).where(models.PlanItem.plan_id.in_(old)))
            s.execute(delete(models.Plan).where(models.Plan.id.in_(old)))
        office = _office(s, unit_id)
        if office:  # the department's own office, by the name the unit tree gives it
            items = [_named(i, office) for i in items]
        plan = models.Plan(unit_id=unit_id, year=year, number=doc_no, issued_on=when,
                           ruleset=ruleset.id, run_id=scored.run.run_id, basis=basis)
        s.add(plan)
        s.flush()
        for position, item in enumerate(items):
            done_on, result = reported.get((item.section, item.area, item.title), (None, ""))
            s.add(models.PlanItem(plan_id=plan.id, position=position, done_on=done_on, result=result, **vars(item)))
        return plan.id


def _office(s: Session, unit_id: int | None) -> str | None:
    """The department's own office, by the name the unit tree gives it («Văn phòng Sở»), if it has one."""
    return s.scalar(select(models.Unit.name).where(models.Unit.parent_id == unit_id,
                                                   models.Unit.name.like("Văn phòng%")).order_by(models.Unit.code))


def _in_name(text: str, office: str | None) -> str:
    return office + text[len("Văn phòng"):] if office and text.startswith("Văn phòng") and \
        not text.startswith(office) else text


def _named(item: Item, office: str) -> Item:
    return Item(**{**vars(item), "lead": _in_name(item.lead, office), "support": _in_name(item.support, office)})


def area_leads(engine: Engine, code: str, rs: RuleSet) -> dict[str, str]:
    """Who leads each area's work for ``code`` (plan_tasks.yaml), its office named as the unit tree names it: the
    yearly plan and the improvement plan give an area to the same division."""
    with Session(engine) as s:
        office = _office(s, s.scalar(select(models.Unit.id).where(models.Unit.code == code)))
    return {area: _in_name(lead, office) for area, lead in _leads(rs).items()}


def _leads(rs: RuleSet) -> dict[str, str]:
    tasks = _plan_tasks(PLAN_TASKS.stat().st_mtime_ns)
    return {a.id: tasks.get(a.id, {}).get("lead", "Văn phòng") for a in rs.criteria}


def stored(engine: Engine, plan_id: int) -> tuple[models.Plan, list[models.PlanItem], str, str]:
    """A stored plan, its items in order, and its unit's code and name."""
    with Session(engine, expire_on_commit=False) as s:
        plan = s.get(models.Plan, plan_id)
        if plan is None:
            raise ValueError(f"không có kế hoạch #{plan_id}")
        items = list(s.scalars(select(models.PlanItem).where(models.PlanItem.plan_id == plan_id)
                               .order_by(models.PlanItem.position)))
        unit = s.get(models.Unit, plan.unit_id)
        return plan, items, unit.code, unit.name


def plan_of(engine: Engine, code: str, year: int) -> int | None:
    with Session(engine) as s:
        return s.scalar(select(models.Plan.id).join(models.Unit, models.Unit.id == models.Plan.unit_id)
                        .where(models.Unit.code == code, models.Plan.year == year))


def complete(engine: Engine, item_id: int, on: date, result: str) -> models.PlanItem:
    """A unit reports one of its plan's tasks done, with what it produced."""
    with Session(engine, expire_on_commit=False) as s, s.begin():
        item = s.get(models.PlanItem, item_id)
        if item is None or item.section == "muc_tieu":
            raise ValueError(f"không có nhiệm vụ #{item_id} trong kế hoạch (mục tiêu không đánh dấu hoàn thành)")
        plan = s.get(models.Plan, item.plan_id)
        if on < plan.issued_on:
            raise ValueError(f"ngày hoàn thành {on:%d/%m/%Y} trước ngày ban hành kế hoạch {plan.issued_on:%d/%m/%Y}")
        item.done_on, item.result = on, result.strip()
        return item


@dataclass(frozen=True)
class TaskProgress:
    due: int  # tasks whose deadline has come by the day asked about
    done: int  # of those, done
    overdue: tuple[str, ...]  # due and not done, in the plan's words


def progress(engine: Engine, code: str, year: int, until: date) -> TaskProgress | None:
    """Where ``code``'s plan for ``year`` stands on ``until``: its tasks due by then, how many are done."""
    plan_id = plan_of(engine, code, year)
    return None if plan_id is None else tasks_due(stored(engine, plan_id)[1], until)


def tasks_due(items: list[models.PlanItem], until: date) -> TaskProgress:
    """The tasks of a plan's ``items`` due by ``until``, and how many of them are done by then."""
    due = [i for i in items if i.section != "muc_tieu" and i.deadline and i.deadline <= until]
    done = [i for i in due if i.done_on and i.done_on <= until]
    overdue = tuple(f"{i.area} {i.title}" for i in due if not (i.done_on and i.done_on <= until))
    return TaskProgress(len(due), len(done), overdue)
