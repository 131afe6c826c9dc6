"""Who manages credentials for the school (batch issuance, revocation, suspension)."""

from parcours.accounts.enums import Role

CREDENTIAL_MANAGER_ROLES = (Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR)
