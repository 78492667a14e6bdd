"""A study plan as files: a printable PDF, a CSV of its items, an iCalendar of its weekly sessions."""
