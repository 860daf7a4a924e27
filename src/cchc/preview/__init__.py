"""The staff's servers: `cchc serve` (preview rebuilt on every edit, only the pages an edit changes) and
`cchc edit` (the editing room on one machine)."""
