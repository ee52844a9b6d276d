"""The model: RDF from extractions, the Oxigraph store, the build, derived facts, validation."""
