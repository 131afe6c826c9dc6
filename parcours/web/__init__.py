"""HTML layer: views, forms and urls, one folder per feature. No business logic lives here."""
