"""The Bot API methods the emulator answers, one module per family; each has a ``METHODS``
table that ``emulators.telegram.http`` routes to."""
