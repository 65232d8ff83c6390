"""CLI subcommands. Each module exposes `register(subparsers)`; bot.cli lists the modules."""
