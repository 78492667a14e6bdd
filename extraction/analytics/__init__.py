"""Figures over many reports: a cohort's results by student, ACS area, code and month."""
