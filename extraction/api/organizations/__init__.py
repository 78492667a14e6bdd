"""A school's analytics for its administrators."""
