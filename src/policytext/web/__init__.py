"""The search page served by ``policytext serve``: read-only, local, no file from the internet."""
from policytext.web.app import SearchApp, make_search_server, read_request, safe_link, serve_corpus

__all__ = ["SearchApp", "make_search_server", "read_request", "safe_link", "serve_corpus"]
