"""Matching of free texts (reserve activities, occupations) to competences: engine and Django adapter."""
