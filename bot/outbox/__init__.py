"""Delivering the outbox to Telegram: order alerts to producers' groups, notices to
customers and admins. loop.py sends, render.py writes the texts, pacing.py decides when."""

from bot.outbox.loop import OutboxSender

__all__ = ["OutboxSender"]
