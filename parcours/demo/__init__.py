"""Demo data: `python manage.py demo` builds a realistic French school, step by step (one step per domain)."""
