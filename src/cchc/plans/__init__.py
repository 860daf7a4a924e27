"""Plans as work: importing a plan from Word/PDF/text into plans/<id>.md, checking progress against it, and the
periodic reports. Works on the content model only (no MkDocs)."""
