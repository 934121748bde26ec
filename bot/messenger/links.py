"""Links into the shop on Messenger: ``https://m.me/<page>?ref=<payload>`` opens the same
product or producer as Telegram's ``?start=`` (catalog/links.py); Messenger has no way to send
a product into another chat, so the storefront offers the link alone."""

from __future__ import annotations

from catalog.links import DeepLink, messenger_url


class MessengerLinks:
    shares_into_chats = False

    def __init__(self, page_username: str) -> None:
        self.page_username = page_username

    async def url(self, link: DeepLink) -> str | None:
        """None while the Page's username is not configured."""
        if not self.page_username:
            return None
        return messenger_url(self.page_username, link.payload)
