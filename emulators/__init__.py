"""Development tools: the Telegram and Zalo Bot APIs and the Messenger Platform emulated on
loopback, for tests and the offline playground."""
