"""Where facts come from: the article text, its sentences and their quotes."""
