"""The portal's commands as users run them: accounts added, listed, disabled, reset, imported."""

from __future__ import annotations

from cli_runner import cchc


def test_user_commands(tmp_path):
    run = lambda *args: cchc("user", *args, cwd=tmp_path)  # noqa: E731
    added = run("add", "quantri2", "--name", "Quản trị", "--role", "quan_tri")
    assert added.returncode == 0 and "mật khẩu ban đầu" in added.stdout
    wrong = run("add", "x", "--name", "X", "--role", "vua")
    assert wrong.returncode == 1 and "Không ghi nhận" in wrong.stderr
    assert "quantri2" in run("list").stdout
    assert run("reset-password", "quantri2").returncode == 0
    assert run("disable", "quantri2").returncode == 0
    assert "đã khóa" in run("list").stdout
    template = tmp_path / "mau.xlsx"
    assert run("template", "--out", template).returncode == 0
    before = run("list").stdout
    imported = run("import", template)  # the example's officer names a unit the store lacks
    assert imported.returncode == 1 and "SKHCN" in imported.stderr and "dòng 2" in imported.stderr
    assert run("list").stdout == before  # nothing of the refused list was written
