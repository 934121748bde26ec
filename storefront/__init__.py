"""The customer's conversation, written once for every channel.

What a customer sees (screens.py) and what follows what (conversation.py): browsing the
catalog, searching, the product card, the cart, the checkout, their orders, their language,
the greeting, a link's landing and the answer to a comment on the Page (comments.py). A
channel (Telegram in handlers/, Messenger in bot/messenger/) turns its platform's events into
the events of visit.py and draws the screens the best way its platform allows; nothing here
imports a channel.
"""
