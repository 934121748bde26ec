"""A rerunnable benchmark of the bot's update handling: ``python -m bench.run --help``."""
