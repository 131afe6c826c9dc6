"""Competency frameworks: versions per academic year, hierarchy of items, levels, associations (CASE, ESCO)."""
