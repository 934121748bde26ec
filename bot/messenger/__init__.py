"""The shop on a Facebook Page's Messenger inbox: a channel of the storefront.

graph.py is the Graph API client; webhook.py the Page's webhook; events.py reads what people
did into the storefront's events; drawing.py and output.py draw its screens as Messenger
messages; links.py makes m.me links; profile.py the Page's Get Started, greeting and menu;
sender.py delivers order news through the outbox; channel.py runs it all. It imports no other
channel: bot/messengers.py wires it into the running program.
"""
