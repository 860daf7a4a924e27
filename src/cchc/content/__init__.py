"""The content model and the one loader: staff files (docs/, plans/, mkdocs.yml `extra:`) -> Corpus + Problems.

The bottom room: it imports no other room of ours and nothing of MkDocs or the theme. Everything above works on
the model it makes (Corpus, NewsItem, Plan…) and never reads a content file itself.
"""
