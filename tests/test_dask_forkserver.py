"""The local Dask cluster's fork server started early, before this process imports spaCy or Dask."""
from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("distributed", reason="the dask extra: pip install 'policytext[dask]'")
psutil = pytest.importorskip("psutil")

from policytext.dask_forkserver import fork_server_available  # noqa: E402

SCRIPT = """
import sys, time
from policytext.dask_forkserver import start_fork_server
print(start_fork_server(("policytext.lemma_stream",)), sorted({"spacy", "distributed", "policytext.annotate"}
      & set(sys.modules)), flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not fork_server_available(), reason="no fork server on this platform")
def test_the_fork_server_starts_at_once_without_importing_spacy_or_dask_here() -> None:
    """The command calls it first, so the server's imports (spaCy for the workers) run on another
    core while the coordinator imports its own; it must neither wait for them nor import them."""
    process = subprocess.Popen([sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        line = process.stdout.readline().strip()
        assert line == "True []", process.stderr.read()[-2000:] if not line else line
        servers = [child.cmdline() for child in psutil.Process(process.pid).children()
                   if "multiprocessing.forkserver" in " ".join(child.cmdline())]
    finally:
        process.kill()
        process.wait()
    assert len(servers) == 1, servers
    assert "['distributed', 'policytext.lemma_stream']" in " ".join(servers[0])

