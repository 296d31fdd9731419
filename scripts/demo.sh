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

# -- annotate (issue 4)
# -- search (issue 6)
# -- trends (issue 5)
