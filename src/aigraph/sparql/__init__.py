"""Asking the graph: safe SPARQL over a store, its results, the saved queries."""
