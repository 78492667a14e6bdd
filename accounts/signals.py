"""Signals accounts sends, so apps that keep data about a person can react without accounts
knowing them (accounts is the lowest layer)."""

from django.dispatch import Signal

# Sent (with ``user``) once a person's account is erased: deactivated, personal data blanked.
# The row stays, because it owns reports and plans; receivers blank what they hold about the person.
user_erased = Signal()

# Sent (with ``user``) to gather everything held about a person for their export
# (``GET /api/v1/me/export``). Each receiver returns one ``accounts.exports.ExportSection`` or a
# list of them: a name and the rows, read lazily and in chunks so the answer can be streamed.
user_export_requested = Signal()

# Sent (with ``user`` and ``contribute``) in the transaction that changed a person's
# ``contribute_to_statistics``, so the national statistics take their reports away or add them
# back before anyone reads the counts.
statistics_preference_changed = Signal()
