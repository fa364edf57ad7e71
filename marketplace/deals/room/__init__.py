"""The deal room: the page where the parties and the broker work a deal (routes.py),
and its messages, notes and files (messages.py)."""
