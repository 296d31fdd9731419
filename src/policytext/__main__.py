"""``python -m policytext`` runs the command line."""
from policytext.cli import run

run()
