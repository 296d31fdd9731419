"""Typed exceptions. Each message says what happened and what to do next.

The CLI maps every ``PolicytextError`` to ``Error: <message>`` and exit code 1 in one place.
"""
from __future__ import annotations

from typing import Mapping


class PolicytextError(Exception):
    """Base class of every error policytext raises on purpose."""


class CorpusNotFound(PolicytextError):
    """The corpus folder or its store does not exist."""


class StoreError(PolicytextError):
    """The store cannot be opened, or is newer than this version of policytext."""


class StoreCorrupt(StoreError):
    """The store file is damaged, empty or not a policytext store: nothing is written to it."""


class StoreLocked(StoreError):
    """Another process held the store's write lock for longer than the busy timeout."""


class StoreReadOnly(StoreError):
    """A command that writes was run on a store that can only be read here."""


class ConfigError(PolicytextError):
    """A setting, configuration file or option value is invalid."""


class BadInput(PolicytextError):
    """An input item cannot be read or parsed. Batch stages record it and go on."""

    def __init__(self, item: str, reason: str, line: int | None = None):
        self.item = item
        self.reason = reason
        self.line = line
        where = f"{item}:{line}" if line is not None else item
        super().__init__(f"{where}: {reason}")


class WorkerDied(PolicytextError):
    """A worker process of a run ended abruptly (killed, or out of memory)."""


class ModelNotInstalled(PolicytextError):
    """The spaCy pipeline named in the settings is not installed."""


class ModelNotFound(PolicytextError):
    """No saved model (a topic model, a scorer) of that name exists where it was looked for."""


class NotFitted(PolicytextError):
    """A model was used before ``fit`` (or loading) gave it its learned state."""


class PackageDataMissing(PolicytextError):
    """A data file that policytext ships (a lexicon, a learned filter) is missing: a broken install."""


class BadQuery(PolicytextError):
    """A search query or filter cannot be understood.

    A message about filters names them as ``{since}`` and lists them in ``fields``; each front end
    words them as its users know them (:meth:`worded`): the command line's ``str()`` as options
    (``--since``, or the wording ``fields`` maps a name to), the search page as its fields
    ('From'), its API as parameters ('since').

    Example:
        >>> err = BadQuery("{since} is after {until}", fields=("since", "until"))
        >>> str(err), err.worded({"since": "'From'", "until": "'To'"})
        ('--since is after --until', "'From' is after 'To'")
    """

    def __init__(self, message: str, *, fields: tuple[str, ...] | Mapping[str, str] = ()):
        self.template = message
        self.fields = dict(fields) if isinstance(fields, Mapping) else \
            {field: "--" + field.replace("_", "-") for field in fields}
        super().__init__(self.worded({}))

    def worded(self, names: Mapping[str, str]) -> str:
        """Return the message with each of its fields worded as ``names`` says, the others as on the command line."""
        message = self.template
        for field, default in self.fields.items():
            message = message.replace("{" + field + "}", names.get(field, default))
        return message


class UnknownValue(BadQuery):
    """A filter value no document of the corpus has (``--party Democrat`` where it says "Democratic").

    ``name`` is the filter (party, kind, government, speaker), ``value`` what was given and
    ``suggestions`` the corpus's closest values (empty when none is close: not a likely typo).
    ``found_as`` names the tables where a refused speaker is found all the same (``("quotes",)``: a
    person only quoted, where the filter chooses documents' speakers).
    """

    def __init__(self, message: str, *, name: str, value: str, suggestions: tuple[str, ...] = (),
                 found_as: tuple[str, ...] = (), fields: tuple[str, ...] | Mapping[str, str] = ()):
        super().__init__(message, fields=fields)
        self.name = name
        self.value = value
        self.suggestions = suggestions
        self.found_as = found_as


class UnknownOption(BadQuery, TypeError):
    """A keyword option or filter name that the function does not take (a typo, say).

    Also a ``TypeError``, what Python raises for an unexpected keyword argument.
    """


class FetchError(PolicytextError):
    """A URL could not be fetched (refused, dead, too large, not allowed by robots.txt...)."""


class ConfirmationRequired(PolicytextError):
    """A command that deletes or changes stored data was not confirmed (``--yes``)."""


class NotFitted(PolicytextError):
    """A model was used before it was fitted or loaded (scikit-learn's ``NotFittedError``)."""
