"""Chuyên mục CCHC: the administrative-reform section of a Vietnamese portal, as a static site."""
