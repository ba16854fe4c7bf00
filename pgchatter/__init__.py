"""pgchatter: the chatter of an ERP built inside PostgreSQL (shared Python: settings, database, CLI)."""
