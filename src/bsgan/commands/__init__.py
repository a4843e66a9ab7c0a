"""Subcommands that are not DVC stages (they change params or inspect results)."""
