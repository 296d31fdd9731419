"""``python -m policytext`` runs the command line."""
from policytext.cli import run

if __name__ == "__main__":
    run()
