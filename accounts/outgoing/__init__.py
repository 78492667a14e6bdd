"""Outgoing webhooks: CFIPros events signed the Standard Webhooks way and sent to the HTTPS
endpoints schools and instructors register (the incoming Clerk protocol is ``accounts.webhooks``)."""
