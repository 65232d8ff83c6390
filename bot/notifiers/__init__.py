"""Channels that deliver events: each a Notifier kind, configured by a config.toml section of its name."""
