"""SALT-KG core: read FRUS documents, extract facts, build RDF, store and query it."""

__version__ = "0.1.0"
