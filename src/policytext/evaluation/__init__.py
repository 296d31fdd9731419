"""Evaluations on labelled data: each returns its figures, and tests pin floors on them."""
