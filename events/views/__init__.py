"""The HTML pages of events and actors, one module per concern."""
