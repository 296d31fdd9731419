"""Collectors: each turns a source into Document records and writes them to the store."""
