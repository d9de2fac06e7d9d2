"""pipeline.toml creation, discovery and validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError, WorkspaceNotFound
from pipeline.workspace import CONFIG_NAME, find_root, init, load


def test_init_writes_config_and_database(tmp_path: Path) -> None:
    s = init(tmp_path / "w", "en", ("fa", "sq"))
    assert (tmp_path / "w" / CONFIG_NAME).is_file()
    assert s.database.is_file()
    assert s.targets == ("fa", "sq")
    assert load(tmp_path / "w") == s


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    init(tmp_path, "en", ("fa",))
    with pytest.raises(ConfigError, match="already exists"):
        init(tmp_path, "en", ("ar",))


@pytest.mark.parametrize("code", ["xx-nope", "", "123"])
def test_unknown_language_code_is_rejected(tmp_path: Path, code: str) -> None:
    with pytest.raises(ConfigError, match="language code"):
        init(tmp_path, "en", (code,))


def test_source_in_targets_rejected(tmp_path: Path) -> None:
    init(tmp_path, "en", ("fa",))
    cfg = tmp_path / CONFIG_NAME
    cfg.write_text(cfg.read_text().replace('targets = ["fa"]', 'targets = ["fa", "en"]'))
    with pytest.raises(ConfigError, match="source language"):
        load(tmp_path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("[review]", "[review]\nfour_eys = true", "review.four_eys"),
        ("[review]", "[reviews]", "unknown section"),
        ("beam = 4", "beam = 0", "translate.beam"),
        ("min_approved = 0", "min_approved = 150", "thresholds.min_approved"),
        ('targets = ["fa", "ar", "sq"]', 'targets = ["fa", "zz9"]', "languages.targets"),
        ("four_eyes = false", 'four_eyes = "no"', "review.four_eyes"),
        ('compute_type = "int8"', 'compute_type = "int8"\ncluster = "10.0.0.5"', "translate.cluster"),
        ('compute_type = "int8"', 'compute_type = "int8"\ndevice_index = [-1]',
         "translate.device_index"),
        ('compute_type = "int8"', 'compute_type = "int8"\ndevice_index = [true]',
         "translate.device_index"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, old: str, new: str, message: str) -> None:
    init(tmp_path, "en", ("fa", "ar", "sq"))
    cfg = tmp_path / CONFIG_NAME
    text = cfg.read_text()
    assert old in text
    cfg.write_text(text.replace(old, new, 1))
    with pytest.raises(ConfigError) as info:
        load(tmp_path)
    assert message in str(info.value)
    assert str(cfg) in str(info.value)


def test_invalid_toml_is_config_error(tmp_path: Path) -> None:
    (tmp_path / CONFIG_NAME).write_text("[languages\n")
    with pytest.raises(ConfigError, match="TOML"):
        load(tmp_path)


def test_find_root_walks_up_parents(tmp_path: Path) -> None:
    init(tmp_path, "en", ("fa",))
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_root(start=deep) == tmp_path.resolve()


def test_find_root_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    init(tmp_path / "ws", "en", ("fa",))
    monkeypatch.setenv("PIPELINE_WORKSPACE", str(tmp_path / "ws"))
    assert find_root(start=Path("/")) == (tmp_path / "ws").resolve()


def test_no_workspace_says_how_to_create_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIPELINE_WORKSPACE", raising=False)
    with pytest.raises(WorkspaceNotFound, match="pipeline init"):
        find_root(start=tmp_path)
    with pytest.raises(WorkspaceNotFound, match="pipeline init"):
        find_root(tmp_path / "missing")
