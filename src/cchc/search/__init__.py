"""The site's search: documents made from the model, Vietnamese terms (syllables, pairs, accents), the sharded
index files read by overrides/assets/javascripts/cchc-search.js, and the process that writes them."""
