"""Reservist portfolio: profile, declared reserve periods, evidence files, claimed competencies."""
