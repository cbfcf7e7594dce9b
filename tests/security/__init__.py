"""The security suite: one file per family of attacks, one test per attack (see SECURITY.md)."""
