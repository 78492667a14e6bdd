"""HTTP API of study plans and endorsements."""
