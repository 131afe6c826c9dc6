"""Accounts: users keyed by e-mail, institutions, programmes, cohorts and role memberships."""
