"""The office's editing room on its own server: accounts, roles, approval, publish (`cchc phong-bien-tap`)."""
