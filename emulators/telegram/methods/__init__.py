"""The Bot API methods the emulator answers, one module per family; each handler registers
itself with ``@api_method(name)`` (emulators.telegram.params) and ``emulators.telegram.http``
routes requests to it."""
