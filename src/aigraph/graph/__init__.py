"""From facts to RDF: one article or a corpus, checked against the ontology's shapes."""
