"""Facts about an article: the facts file, its ontology extensions, and drafts proposed from the text."""
