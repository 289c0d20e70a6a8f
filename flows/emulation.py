"""The year-end emulation review as a Prefect flow: a thin wrapper over the plain functions, so that the
yearly cycle (and a Prefect server's schedule) can run it; the results live in cchc's own store."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task


@task(name="xét điều kiện danh hiệu")
def eligibility_counts(database_url: str, year: int) -> dict[str, int]:
    from emulation.eligibility import eligibility
    from store.db import make_engine

    result = eligibility(make_engine(database_url), year)
    table = result.table()
    return {result.label(t): int(table[t].sum()) for t in result.ruleset.titles}


@task(name="bình xét phong trào thi đua")
def review_campaign(database_url: str, campaign: str, year: int, out: str) -> list[str]:
    from cchc.emulation_cli import run_review
    from emulation.campaigns import load_campaign
    from store.db import make_engine

    paths = run_review(make_engine(database_url), load_campaign(campaign), year, None, 9, 8, 1, "", "docx", Path(out))
    return [str(p) for p in paths]


@flow(name="emulation-review", log_prints=True)
def emulation_review(year: int, campaigns: list[str], database_url: str, out: str = "out") -> dict:
    """Eligibility for everyone, then every campaign's review and its documents."""
    counts = eligibility_counts(database_url, year)
    documents = [p for c in campaigns for p in review_campaign(database_url, c, year, out)]
    print(f"Năm {year}: {counts}; {len(documents)} văn bản")
    return {"eligible": counts, "documents": documents}
