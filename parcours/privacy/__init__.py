"""Privacy (GDPR): data export, erasure with pseudonymisation, retention, and the register of processing."""
