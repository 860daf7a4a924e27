"""The site: the MkDocs plugin (a thin adapter) and what it delegates to — every page's View, feeds, the security
policy, ids, the navigation memo, the editing room's configuration, redirects of merged portals — and the
build into a fresh folder swapped into site/."""
