"""Citizens' complaints and requests that need an answer: routing, legal deadlines, reminders, status links."""
