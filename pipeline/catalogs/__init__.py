"""catalogs stage."""
