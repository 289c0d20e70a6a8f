"""Which family of rule sets the province uses for what (``rule_uses.yaml`` beside this file), read by one small
function: code asks for a use (``family("units")``), never names a rule set itself."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

USES = Path(__file__).with_name("rule_uses.yaml")


@cache
def uses() -> dict[str, dict]:
    return yaml.safe_load(USES.read_text(encoding="utf-8"))


def family(use: str) -> str:
    """The family of rule sets the province uses for ``use`` (units, department_index, person_titles …)."""
    try:
        return uses()[use]["family"]
    except KeyError:
        raise KeyError(f"{USES.name}: không có mục «{use}» (có: {', '.join(uses())})") from None


def words() -> dict[str, str]:
    """Family → how a signed document names its sets."""
    return {spec["family"]: spec["words"] for spec in uses().values()}
