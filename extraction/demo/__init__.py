"""Demo data: a realistic flight school with students, instructors, cohorts and reports."""
