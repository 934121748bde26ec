"""Alembic migrations of the shop's schema."""
