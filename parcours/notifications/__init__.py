"""In-app notifications and e-mails in the recipient's language, sent after commit."""
