"""The search page served by ``policytext serve``: read-only, local, no file from the internet."""
from policytext.web.app import ResponseCache, SearchApp, normalise_query, parse_host, read_allowed_host, read_request, safe_link
from policytext.web.server import SearchServer, make_search_server, serve_corpus

__all__ = ["ResponseCache", "SearchApp", "SearchServer", "make_search_server", "parse_host", "read_allowed_host",
           "normalise_query", "read_request", "safe_link", "serve_corpus"]
