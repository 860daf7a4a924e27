"""The build's stores and its second core: content-keyed files and SQLite stores, the rendered-Markdown and
finished-page caches, and the forked helper that fills them. Nothing here knows what a page shows."""
