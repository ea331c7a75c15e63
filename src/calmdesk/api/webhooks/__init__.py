"""Inbound webhooks: helpdesks (Chatwoot, Zammad, generic JSON) and booking tools."""
