"""AKTR extraction: the ACS catalogue, the extraction engine and the reports it produces."""
