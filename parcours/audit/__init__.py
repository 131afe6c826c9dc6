"""Audit trail: stable action codes, hash-chained so that an edited or deleted row is detected."""
