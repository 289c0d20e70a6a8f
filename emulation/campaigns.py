"""Emulation campaigns (phong trào thi đua) as data: what a launch plan says — goals, contents, period,
award forms aimed for with their quotas, where proposals go — and the rule set that scores it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import MISSING, dataclass, fields, replace
from datetime import date
from functools import cache
from pathlib import Path

import yaml

from base.award_forms import FORMS, form_code
from reports import documents as docs

CAMPAIGNS = Path(__file__).with_name("campaigns")
REWARDS = Path(__file__).with_name("rewards.yaml")


# Award forms whose own conditions are a title of the individual or collective rule sets (danh-hieu-ca-nhan-2022,
# danh-hieu-tap-the-2022); a Giấy khen's achievement and a Cờ thi đua's lead of its cluster are the campaign's
# own findings.
OWN_RULES = frozenset({"lao_dong_tien_tien", "chien_si_thi_dua_co_so", "chien_si_thi_dua_cap_tinh",
                       "bang_khen_chu_tich_tinh", "tap_the_lao_dong_tien_tien", "tap_the_lao_dong_xuat_sac",
                       "bang_khen_tap_the"})


# What a form is voted and paid as, when its campaign file gives it no code: the key of its council threshold in
# thresholds.yaml (NĐ 98/2023 Đ.30 k.7 lists the Chiến sĩ thi đua titles and the Cờ thi đua) and of its money in
# rewards.yaml (Đ.54), by the form's code.
VOTED_AS = {"chien_si_thi_dua_co_so": "chien_si_thi_dua_co_so", "chien_si_thi_dua_cap_tinh": "chien_si_thi_dua_cap_tinh",
            "chien_si_thi_dua_toan_quoc": "chien_si_thi_dua_toan_quoc", "co_thi_dua_cap_tinh": "co_thi_dua_tinh",
            "co_thi_dua_chinh_phu": "co_thi_dua_chinh_phu"}


@dataclass(frozen=True)
class AwardQuota:
    form: str
    collectives: int
    individuals: int
    individual_title: str  # the title of the individual rule set a nominee must meet
    collective_title: str
    # The form's code: what its nominations and ballots are stored under, and the key of its council vote
    # threshold in emulation/thresholds.yaml (co_thi_dua_tinh: ≥ 80%). Without one, a form's nominations go
    # under the title they rest on; two forms resting on one title get codes made from their names.
    code: str = ""
    money: dict[str, float] | None = None  # this form's reward per kind, as multiples of the base salary

    def title(self, kind: str) -> str:
        """The title a nominee of ``kind`` (ca_nhan | tap_the) must meet for this form."""
        return self.individual_title if kind == "ca_nhan" else self.collective_title

    def seats(self, kind: str) -> int:
        return self.individuals if kind == "ca_nhan" else self.collectives

    def key(self, kind: str) -> str:
        """What a nomination of ``kind`` for this form is stored under (and its ballot is read by)."""
        return self.code or self.title(kind)

    def own_title(self, kind: str) -> str | None:
        """The rule of the award form itself (Bằng khen: Luật TĐKT 2022 Đ.74; Chiến sĩ thi đua cấp tỉnh: Đ.22),
        which a nominee must meet besides the title the plan names: a plan may aim its Bằng khen at Tập thể lao
        động xuất sắc, but one such year does not make the two consecutive years Đ.74 asks. None where the form
        has no rule of its own here (a Giấy khen's achievement is the campaign's own finding)."""
        code = form_code(self.form, kind)
        return code if code in OWN_RULES and code in FORMS[kind] else None

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

    def multiple(self, quota: AwardQuota, kind: str) -> float:
        """The reward of ``quota`` for ``kind`` as a multiple of the base salary: the form's own in the campaign
        file, else the law's for what the form is (``rewards.yaml``), else the campaign's per kind."""
        if quota.money and kind in quota.money:
            return float(quota.money[kind])
        by_law = rewards()
        for key in (quota.own_title(kind), quota.code):
            if key in by_law:
                return float(by_law[key])
        return float(self.money[kind])

    def plan(self, unit_name: str) -> docs.CampaignPlan:
        return docs.CampaignPlan(
            self.title, self.basis, self.launcher, self.participants, self.purposes, self.requirements, self.contents, self.start,
            self.end, tuple(a.text() + (f" thuộc {unit_name}" if unit_name else "") for a in self.award_forms),
            self.criteria_basis, self.measures, self.proposals_to)


@cache
def rewards() -> dict[str, float]:
    return yaml.safe_load(REWARDS.read_text(encoding="utf-8"))


class CampaignFileError(ValueError):
    """A campaign file whose keys are not a campaign's: which are missing or unknown, and where."""


def _keys_of(kind: type, raw, where: str) -> None:
    """``raw`` has every key ``kind`` needs and none it does not know (a province's own file, edited by hand)."""
    if not isinstance(raw, dict):
        raise CampaignFileError(f"{where} phải là một bảng «khóa: giá trị»")
    known = {f.name for f in fields(kind)}
    needed = [f.name for f in fields(kind) if f.default is MISSING and f.default_factory is MISSING]
    said = [f"thiếu «{k}»" for k in needed if k not in raw] + [f"không có khóa «{k}»" for k in raw if k not in known]
    if said:
        raise CampaignFileError(f"{where}: {'; '.join(said)}")


def load_campaign(name: str) -> Campaign:
    path = Path(name) if Path(name).exists() else CAMPAIGNS / f"{name}.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    _keys_of(Campaign, raw, "tệp phong trào")
    if not isinstance(raw["award_forms"], list):
        raise CampaignFileError("«award_forms» phải là một danh sách hình thức khen thưởng")
    for i, a in enumerate(raw["award_forms"], start=1):
        _keys_of(AwardQuota, a, f"hình thức khen thưởng thứ {i} («award_forms»)")
    tuples = ("basis", "purposes", "requirements", "contents", "measures", "recipients")
    values = {k: tuple(v) if k in tuples else v for k, v in raw.items()}
    values["award_forms"] = _coded(tuple(AwardQuota(**a) for a in raw["award_forms"]))
    return Campaign(**values)


def _coded(forms: tuple[AwardQuota, ...]) -> tuple[AwardQuota, ...]:
    """Forms without a code of their own get one: what the form is, where its council threshold and money are keyed
    by that (``VOTED_AS``: a Cờ thi đua resting on Tập thể lao động xuất sắc is voted and paid as a Cờ) and no other
    form's key is the same; else, among forms sharing a title, one from its name, so that each form's nominations
    and ballots stay apart."""
    shared = set()
    for kind in ("ca_nhan", "tap_the"):
        titles = [q.title(kind) for q in forms if not q.code]
        shared |= {t for t in titles if titles.count(t) > 1}
    natural = [None if q.code else VOTED_AS.get(form_code(q.form)) for q in forms]
    coded = []
    for i, q in enumerate(forms):
        titles = {q.individual_title, q.collective_title}
        others = {k for j, p in enumerate(forms) if j != i
                  for k in (p.code, natural[j], *({p.individual_title, p.collective_title} - shared)) if k}
        if natural[i] and natural[i] not in others and (natural[i] not in titles or titles & shared):
            coded.append(replace(q, code=natural[i]))
        elif not q.code and titles & shared:
            coded.append(replace(q, code=_slug(q.form)))
        else:
            coded.append(q)
    return tuple(coded)


def _slug(text: str) -> str:
    """«Cờ thi đua của Ủy ban nhân dân tỉnh» → «co_thi_dua_cua_uy_ban_nhan_dan_tinh»."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:60]


def shipped_campaigns() -> list[str]:
    return sorted(p.stem for p in CAMPAIGNS.glob("*.yaml"))
