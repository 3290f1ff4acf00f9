"""Response pages, one module per audience."""
