"""Exchange with CAT tools and agencies: TMX translation memory and XLIFF 1.2 / 2.0 review files."""
