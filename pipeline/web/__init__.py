"""The web workspace: an ASGI shell beside cli/, whose routes call the same library functions."""
