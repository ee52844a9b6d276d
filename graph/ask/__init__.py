"""Asking the graph: named SPARQL queries, issue status, browsing, full-text search."""
