"""Study plan and resource models."""
