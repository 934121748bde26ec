"""Middlewares that every update passes through."""
