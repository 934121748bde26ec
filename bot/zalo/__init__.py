"""The shop's Zalo bot, for producers' staff: a thin client, text commands, the outbox sender."""
