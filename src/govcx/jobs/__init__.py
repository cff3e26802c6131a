"""Background work: the govcx job record (progress, cancel, heartbeat, retries, schedule) over Django's tasks API."""
