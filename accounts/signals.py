"""Signals accounts sends, so apps that keep data about a person can react without accounts
knowing them (accounts is the lowest layer)."""

from django.dispatch import Signal

# Sent (with ``user``) once a person's account is erased: deactivated, personal data blanked.
# The row stays, because it owns reports and plans; receivers blank what they hold about the person.
user_erased = Signal()
