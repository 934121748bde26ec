"""The running program: configuration, wiring, runners and the command line."""
