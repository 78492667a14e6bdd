"""The Clerk webhook protocol: Svix verification, replay refusal, and one handler per event family.

``services.clerk_webhook_receive`` is the whole protocol for one delivery; the view only hands it
the raw body and the Svix headers.
"""
