"""Study resources: the chapters that teach each ACS task, the starter mapping, CSV import and export."""
