"""Middlewares that every update passes through."""

from aiogram.dispatcher.event.bases import NextMiddlewareType
from aiogram.types import TelegramObject

# What an outer middleware passes the update on to (the next middleware, then the handler).
Handler = NextMiddlewareType[TelegramObject]
