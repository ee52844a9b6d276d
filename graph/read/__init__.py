"""Reading: FRUS plain text, FRUS TEI volumes, dates in text, the curated registry."""
