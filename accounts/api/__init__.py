"""HTTP API of identity: the signed-in user and the Clerk webhook receiver."""
