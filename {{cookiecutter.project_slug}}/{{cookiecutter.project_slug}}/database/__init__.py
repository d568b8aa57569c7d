"""The database: how it is created, and kept private when it is a file."""
