#!/usr/bin/env bash
# The main job end to end on a real corpus: the post-1945 State of the Union addresses.
set -euo pipefail
corpus="${1:-corpus/demo}"
pt() { .venv/bin/policytext --corpus "$corpus" "$@"; }

echo "== Collecting the State of the Union addresses since 1946 into $corpus"
pt collect sotu --since 1946
echo
echo "== The corpus by administration"
pt stats --by government

echo
echo "== Annotating with spaCy: sentences, entities, quotes with their speakers, check-worthy claims"
pt annotate --workers 2
echo
echo "== The speakers the presidents quote most often (quotes with a confidence of 0.8 or more)"
pt quoted --limit 10 --min-confidence 0.8
echo
echo "== The most check-worthy claims (score from a model trained on ClaimBuster)"
pt claims --limit 10
echo
echo "== The people named most often, by administration"
pt entities --label PERSON --top 3 --by government --since 1981
echo
echo "== Who said \"new frontier of science\", when, and how to cite it (a phrase search)"
pt search '"new frontier of science"' --limit 1
pt search '"new frontier of science"' --limit 1 --format json | .venv/bin/python -c 'import json, sys; hits = json.load(sys.stdin); print("Citation:", hits[0]["citation"] if hits else "(no match: annotate the corpus first)")'
echo
echo "== Five topics of the addresses since 2001 (NMF), each with the passage that stands for it best (ranked by share x similarity x length)"
pt topics fit --k 5 --name since2001 --since 2001 > /dev/null
pt topics show since2001 --top 8 --passages 1
echo
echo "== To search in your browser: .venv/bin/policytext --corpus $corpus serve   then open http://127.0.0.1:8000/"
echo
echo "== Trust and entrepreneurialism by administration: rate per 10,000 words with a 95% interval, a test of each group against the rest with addresses as the unit (permutation)"
pt trends trust entrepreneurialism --by government --plot "$corpus/theme-trends.png"
echo "Trend chart: $corpus/theme-trends.png"
