"""Government timelines: boundary days, packaged coverage and users' own timelines."""
from __future__ import annotations

import pytest

from policytext.collect.governments import Timelines, normalise_country, read_timeline
from policytext.errors import ConfigError


@pytest.fixture(scope="module")
def timelines() -> Timelines:
    return Timelines.packaged()


@pytest.mark.parametrize(
    ("country", "day", "expected"),
    [
        ("GB", "2010-05-10", "Brown government (2007–2010)"),
        ("GB", "2010-05-11", "Cameron–Clegg coalition (2010–2015)"),
        ("UK", "2015-05-07", "Cameron–Clegg coalition (2010–2015)"),
        ("GB", "2015-05-08", "Cameron government (2015–2016)"),
        ("GB", "2016-07-12", "Cameron government (2015–2016)"),
        ("GB", "2016-07-13", "May government (2016–2019)"),
        ("GB", "2019-07-24", "Johnson government (2019–2022)"),
        ("GB", "2022-10-01", "Truss government (2022)"),
        ("GB", "2023-01-01", "Sunak government (2022–2024)"),
        ("GB", "2024-07-05", "Starmer government (2024–)"),
        ("GB", "2026-11-28", "Starmer government (2024–)"),
        ("GB", "1945-07-26", "Attlee government (1945–1951)"),
        ("US", "1790-01-08", "Washington administration (1789–1797)"),
        ("US", "1963-11-21", "Kennedy administration (1961–1963)"),
        ("US", "1963-11-22", "L. B. Johnson administration (1963–1969)"),
        ("US", "1953-01-07", "Truman administration (1945–1953)"),  # outgoing president's last message
        ("US", "1889-01-01", "Cleveland administration (1885–1889)"),
        ("US", "1894-01-01", "Cleveland administration (1893–1897)"),
        ("US", "2026-02-24", "Trump administration (2025–)"),
    ],
)
def test_government_for_day(timelines: Timelines, country: str, day: str, expected: str) -> None:
    assert timelines.government_for(country, day).name == expected


@pytest.mark.parametrize(("country", "day"), [("GB", "1900-01-01"), ("FR", "2010-01-01"), ("GB", None), (None, "2010-01-01")])
def test_no_government_outside_timelines(timelines: Timelines, country, day) -> None:
    assert timelines.government_for(country, day) is None


def test_coalition_party_and_leader(timelines: Timelines) -> None:
    coalition = timelines.government_for("GB", "2012-01-01")
    assert coalition.leader == "David Cameron"
    assert coalition.party == "Conservative–Liberal Democrat coalition"


def test_packaged_timelines_have_no_gaps(timelines: Timelines) -> None:
    for country in ("GB", "US"):
        governments = timelines.governments(country)
        for before, after in zip(governments, governments[1:]):
            assert before.end == after.start, (before.name, after.name)
        assert governments[-1].end is None


@pytest.mark.parametrize(("given", "code"), [("uk", "GB"), ("GB", "GB"), ("usa", "US"), ("fr", "FR"), ("", None)])
def test_normalise_country(given: str, code: str | None) -> None:
    assert normalise_country(given) == code


def test_user_timeline_csv_replaces_country(tmp_path) -> None:
    path = tmp_path / "ie.csv"
    path.write_text("country,name,start,end,leader,party\n"
                    "IE,Kenny government,2011-03-09,2017-06-14,Enda Kenny,Fine Gael\n"
                    "IE,Varadkar government,2017-06-14,,Leo Varadkar,Fine Gael\n", encoding="utf-8")
    timelines = Timelines.load([path])
    assert timelines.government_for("IE", "2017-06-14").name == "Varadkar government"
    assert timelines.government_for("GB", "2017-06-14").name == "May government (2016–2019)"


def test_user_timeline_toml(tmp_path) -> None:
    path = tmp_path / "nz.toml"
    path.write_text('country = "NZ"\n[[government]]\nname = "Ardern government"\nstart = 2017-10-26\n'
                    'end = 2023-01-25\nleader = "Jacinda Ardern"\nparty = "Labour"\n', encoding="utf-8")
    assert read_timeline(path).government_for("NZ", "2020-01-01").leader == "Jacinda Ardern"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("country,name,start\nIE,X,2011-13-09\n", "is not a date"),
        ("country,name\nIE,X\n", "needs the columns start"),
        ("name,start\nX,2011-01-01\n", "no country"),
    ],
)
def test_bad_user_timeline(tmp_path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        read_timeline(path)
