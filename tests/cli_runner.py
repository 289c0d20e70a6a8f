"""Running ``cchc`` as users do: in this process (fast: most tests), or as a real process for what only a
process shows (the entry point, exit codes, the traceback with --debug)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


def cchc(*args, cwd: Path, db: Path | str | bool | None = None, process: bool = False) -> Done:
    """``db``: a URL or a SQLite file (by default cwd/cchc.db); False: no ``--db``, the store the command finds
    itself (a province's, by ``--tinh`` or CCHC_TINH)."""
    url = db if isinstance(db, str) else f"sqlite:///{db or cwd / 'cchc.db'}"
    argv = ([] if db is False else ["--db", url]) + [*map(str, args)]
    if process:
        done = subprocess.run([sys.executable, "-m", "cchc.cli", *argv], cwd=cwd, capture_output=True, text=True,
                              timeout=600, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin",
                                                "PREFECT_HOME": str(cwd / ".prefect"),
                                                "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
        return Done(done.returncode, done.stdout, done.stderr)
    from cchc.cli import main

    out, err = io.StringIO(), io.StringIO()
    here = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(argv)
                code = 0
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    finally:
        os.chdir(here)
        from cchc.shell import settings

        settings.reset()  # the next run opens its own store
    return Done(code, out.getvalue(), err.getvalue())


def rules_refused_alike(folder: Path, text: str, name: str = "thu") -> str:
    """What ``rules check`` says of the rule file ``text``, after checking that ``rules test`` and ``rules explain``
    say the same with exit code 1, and that none opened the store."""
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    checked = cchc("rules", "check", path, cwd=folder)
    tested = cchc("rules", "test", path, cwd=folder)
    explained = cchc("rules", "explain", path, "--unit", "SKHCN", cwd=folder)
    for done in (checked, tested, explained):
        assert done.returncode == 1, (done.stdout, done.stderr)
        assert done.stdout == checked.stdout and done.stderr == ""
    assert not (folder / "cchc.db").exists()  # refused before the store was opened
    return checked.stdout
