"""A built site put live on the web server in one step (releases and a symlink), and taken back."""
