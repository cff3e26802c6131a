"""The outbox: e-mail that govcx sends to people (complaint confirmations; training reminders and report
subscriptions later), written in the same transaction as the change it reports and sent by the background worker."""
