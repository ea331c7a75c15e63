"""calmdesk.store."""
