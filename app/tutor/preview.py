"""Content preview: a tutor sees how a Markdown file will look, and its problems, before it goes live."""
