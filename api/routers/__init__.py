"""One router per audience; each route only parses, authenticates, delegates and renders."""
