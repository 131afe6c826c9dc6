from ninja import Schema


class ErrorOut(Schema):
    detail: str


class InstitutionOut(Schema):
    slug: str
    name: str
    city: str


class MembershipOut(Schema):
    institution: str
    role: str


class MeOut(Schema):
    email: str
    first_name: str
    last_name: str
    language: str
    roles: list[MembershipOut]
