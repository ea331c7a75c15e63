"""The web pages, one module per area; each has a ``router``."""
