"""The portal's commands through typer's runner: accounts added, listed, disabled, reset, imported."""

from __future__ import annotations

from typer.testing import CliRunner

from cchc.portal_cli import user_app


def test_user_commands(tmp_path, monkeypatch):
    monkeypatch.setenv("CCHC_DATABASE_URL", f"sqlite:///{tmp_path / 'cchc.db'}")
    run = CliRunner().invoke
    added = run(user_app, ["add", "quantri2", "--name", "Quản trị", "--role", "quan_tri"])
    assert added.exit_code == 0 and "mật khẩu ban đầu" in added.output
    assert run(user_app, ["add", "x", "--name", "X", "--role", "vua"]).exit_code == 1
    assert "quantri2" in run(user_app, ["list"]).output
    assert run(user_app, ["reset-password", "quantri2"]).exit_code == 0
    assert run(user_app, ["disable", "quantri2"]).exit_code == 0
    assert "đã khóa" in run(user_app, ["list"]).output
    template = tmp_path / "mau.xlsx"
    assert run(user_app, ["template", "--out", str(template)]).exit_code == 0
    imported = run(user_app, ["import", str(template)])  # the example's officer names a unit the store lacks
    assert imported.exit_code == 1 and "SKHCN" in imported.output
