"""The ``--ruleset`` option as the scoring commands take it: a rule set's id, its family (the set in force on the
period's last day) or a YAML file; by default the family the province ranks its units by (base/rule_uses.yaml)."""

from __future__ import annotations

from typing import Annotated

import typer

from base.rule_uses import family
from cchc.shell import period as period_code

UNITS = family("units")
RULESET_HELP = ("Bộ tiêu chí chấm điểm: mã, họ bộ (chọn bộ có hiệu lực vào ngày cuối kỳ, ví dụ qd766) hoặc tệp "
                "YAML.")
RULESET = Annotated[str, typer.Option(help=RULESET_HELP)]


def opened(ruleset: str, period: str | None):
    """The rule set typed (id, family or file) for the period typed, and the period's code."""
    from office import scores

    code = period_code(period)
    return scores.ruleset(ruleset, code), code
