"""Quality checks, completeness and reports for `pipeline check`, from the database or PO files."""
