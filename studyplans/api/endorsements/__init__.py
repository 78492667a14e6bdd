"""The endorsement resource: the 61.39 draft of a report, as JSON or text."""
