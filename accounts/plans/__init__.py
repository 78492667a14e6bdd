"""Plans and entitlements: which plan applies to a caller, what it allows, and its quotas."""
