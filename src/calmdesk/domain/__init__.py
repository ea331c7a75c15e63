"""calmdesk.domain."""
