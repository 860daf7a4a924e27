"""Radio: text for the ear (speech), the voice (espeak-ng/Piper -> MP3), what an item reads on air (script), and
which items and bulletins are read (broadcast). Works on the content model only (no MkDocs)."""
