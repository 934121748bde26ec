"""The shop's use cases. Each takes a unit of work and owns its transaction."""
