"""Cohorts: named groups of the students an instructor or a school admin teaches."""
