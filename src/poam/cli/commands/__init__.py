"""One module per command (or group of commands); each registers itself on the app."""
