"""django-ninja API: one router per domain, mounted at /api/."""
