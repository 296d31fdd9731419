"""The search page served by ``policytext serve``: read-only, local, no file from the internet."""
from policytext.web.app import SearchApp, parse_host, read_allowed_host, read_request, safe_link
from policytext.web.server import SearchServer, make_search_server, serve_corpus

__all__ = ["SearchApp", "SearchServer", "make_search_server", "parse_host", "read_allowed_host",
           "read_request", "safe_link", "serve_corpus"]
