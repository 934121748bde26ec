"""Development tools: the Telegram and Zalo Bot APIs emulated on loopback, for tests and the
offline playground."""
