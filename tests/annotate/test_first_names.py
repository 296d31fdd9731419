"""The first-name table, looked up in place in the installed file, and read whole when out of order."""
from __future__ import annotations

import pytest

from policytext.annotate.first_names import NameTable, read_name_table
from policytext.annotate.speakers import first_name_gender


def test_a_name_whose_key_ends_another_escaped_key_keeps_its_own_entry():
    # the table holds '\\"anu' (a man's, once) beside "anu" (96% women, 14,427 records); the whole-table
    # reader used to let the first overwrite the second and gave Anu as a man's name
    assert first_name_gender("Anu") == "f" and first_name_gender("Bina") == "f"


def _table(path, entries):
    import json

    path.write_text(json.dumps(entries), encoding="utf-8")  # keys in the order given
    return path


TABLE = {'"ann': [1, 2, 0.0, 3], "abe": [3, 120, 0.02, 3], "ann": [9, 5000, 0.99, [0, 1]], "bo": [2, 40, 0.5, 3],
         "cara": [4, 15, 0.95, 3], "zed": [1, 3, 0.0, 3], "~x": [1, 1, 1.0, 3]}


@pytest.mark.parametrize("order", ["sorted", "unsorted"])
def test_the_name_table_is_looked_up_in_place_or_read_whole_when_out_of_order(tmp_path, order):
    keys = sorted(TABLE) if order == "sorted" else sorted(TABLE, reverse=True)
    path = _table(tmp_path / "name_data.json", {k: TABLE[k] for k in keys})
    table = NameTable(path)
    assert (table._codes is None) == (order == "sorted")  # bisected in place only when the keys are in order
    names = ["abe", "ann", "bo", "cara", "zed", "aaa", "anna", "zzz", "b"]
    assert [table.code(n) for n in names] == [read_name_table(path).get(n) for n in names]
    assert table.code("ann") is not None and table.code("bo") is None and table.code("anna") is None
