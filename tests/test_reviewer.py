"""Resolving who acts."""

from __future__ import annotations

import pytest

from pipeline.reviewer import resolve


def test_explicit_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINE_REVIEWER", "env-name")
    assert resolve("  ana ") == "ana"
    assert resolve(None) == "env-name"


def test_falls_back_to_git(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("PIPELINE_REVIEWER", raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gitconfig").write_text("[user]\n\tname = Git Person\n")
    assert resolve(None) == "Git Person"
    (tmp_path / "gitconfig").write_text("")
    assert resolve(None) is None


@pytest.mark.parametrize("name", ["a\nLanguage: de", "a\x00b", "tab\tbed", "a\u2028b"])
def test_a_name_that_would_break_a_header_or_the_history_is_refused(
        monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    from pipeline.errors import UsageError

    with pytest.raises(UsageError, match="--reviewer"):
        resolve(name)
    if "\x00" in name:
        return  # an environment variable cannot hold a NUL at all
    monkeypatch.setenv("PIPELINE_REVIEWER", name)
    with pytest.raises(UsageError, match="PIPELINE_REVIEWER"):
        resolve(None)
