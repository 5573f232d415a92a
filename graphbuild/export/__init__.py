"""Exports: JSON lines, RDF, GraphML, HTML."""
