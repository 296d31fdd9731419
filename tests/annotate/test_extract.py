import io

import pytest

from policytext.annotate.document import DocumentAnnotation
from policytext.annotate.extract import TextItem, annotation_rows, read_text_items
from policytext.errors import BadInput, ConfigError


@pytest.mark.parametrize("data, expected", [
    ("Plain text, one document.\n\nTwo paragraphs.", [("in.txt", "Plain text, one document.\n\nTwo paragraphs.")]),
    ('{"id": "a", "text": "One."}\n\n{"id": 7, "text": "Two."}\n', [("a", "One."), (7, "Two.")]),
    ('{"text": "No id: the line number is the id."}\n', [(1, "No id: the line number is the id.")]),
])
def test_read_text_items(data, expected):
    items = list(read_text_items(io.StringIO(data), name="in.txt"))
    assert [(i.id, i.text) for i in items] == expected


@pytest.mark.parametrize("line, reason", [
    ("{not json", "not valid JSON"),
    ('{"id": "a"}', "needs a JSON object with a string field 'text'"),
    ('{"id": "a", "text": 5}', "needs a JSON object with a string field 'text'"),
])
def test_bad_lines_are_reported_with_their_number_and_the_rest_goes_on(line, reason):
    data = '{"id": "ok", "text": "Fine."}\n' + line + "\n"
    items = list(read_text_items(io.StringIO(data), name="in.jsonl"))
    assert isinstance(items[0], TextItem)
    assert isinstance(items[1], BadInput) and items[1].line == 2 and reason in str(items[1])


def test_annotation_rows_refuses_an_unknown_kind():
    with pytest.raises(ConfigError, match="quotes, claims or entities, not 'verbs'"):
        annotation_rows("a", DocumentAnnotation("a"), "verbs")
