from typing import Annotated

from ninja import Schema
from pydantic import Field

from parcours.web.forms import MAX_ID

#: A database identifier: positive and within a 64-bit integer.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


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
