"""REST endpoints of the extraction app, one module per resource."""
