"""Emulation campaigns (phong trào thi đua) as data: what a launch plan says — goals, contents, period,
award forms aimed for with their quotas, where proposals go — and the rule set that scores it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from reports import documents as docs

CAMPAIGNS = Path(__file__).with_name("campaigns")


@dataclass(frozen=True)
class AwardQuota:
    form: str
    collectives: int
    individuals: int
    individual_title: str  # the title of the individual rule set a nominee must meet
    collective_title: str

    def text(self) -> str:
        return f"{self.form} cho {self.collectives:02d} tập thể và {self.individuals:02d} cá nhân"


@dataclass(frozen=True)
class Campaign:
    id: str
    unit: str
    kind: str
    title: str
    rules: str
    start: date
    end: date
    launcher: str
    participants: str
    basis: tuple[str, ...]
    purposes: tuple[str, ...]
    requirements: tuple[str, ...]
    contents: tuple[str, ...]
    award_forms: tuple[AwardQuota, ...]
    criteria_basis: str
    measures: tuple[str, ...]
    proposals_to: str
    recipients: tuple[str, ...]
    base_salary: int
    money: dict[str, float]

    def plan(self, unit_name: str) -> docs.CampaignPlan:
        return docs.CampaignPlan(
            self.title, self.basis, self.launcher, self.participants, self.purposes, self.requirements, self.contents, self.start,
            self.end, tuple(a.text() + (f" thuộc {unit_name}" if unit_name else "") for a in self.award_forms),
            self.criteria_basis, self.measures, self.proposals_to)


def load_campaign(name: str) -> Campaign:
    path = Path(name) if Path(name).exists() else CAMPAIGNS / f"{name}.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    tuples = ("basis", "purposes", "requirements", "contents", "measures", "recipients")
    fields = {k: tuple(v) if k in tuples else v for k, v in raw.items()}
    fields["award_forms"] = tuple(AwardQuota(**a) for a in raw["award_forms"])
    return Campaign(**fields)


def shipped_campaigns() -> list[str]:
    return sorted(p.stem for p in CAMPAIGNS.glob("*.yaml"))
