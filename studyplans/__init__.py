"""Study plans built from missed ACS codes, the resources that teach them, and endorsements."""
