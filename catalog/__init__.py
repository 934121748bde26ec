"""The shop itself — catalog, carts, orders, notifications — with no Telegram in it."""
