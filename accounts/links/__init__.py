"""Instructor-student links the student controls: invitations, links, their audit trail."""
