"""calmdesk.train."""
