"""The database: how it is created, kept private when a file, and pruned in batches."""
