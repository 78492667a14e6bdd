"""The ACS catalogue: reading it (selectors) and loading the shipped file into the database."""
