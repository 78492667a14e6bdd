"""Identity: users mirrored from Clerk, organizations (flight schools) and memberships."""
