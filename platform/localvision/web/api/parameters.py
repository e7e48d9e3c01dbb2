"""What a client may put in an API address, declared once: each model checks a request
(a bad value gets a 400 naming its bounds) and describes its parameters in OpenAPI."""
import re
from enum import Enum
from typing import Annotated, Any, Callable, ClassVar

from pydantic import BaseModel, BeforeValidator, Field

from localvision.domain.vocabulary import DecisionStatus, Phase, Sector
from localvision.queries.public import ProjectFilters
from localvision.web.input_bounds import PAGE_MAX

PER_PAGE_DEFAULT = 20
PER_PAGE_MAX = 100
WORDS_MAX = 200
SLUG_MAX = 120
WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


def _whole_number(highest: int) -> Callable[[Any], int]:
    def check(raw: Any) -> int:
        if not (isinstance(raw, str) and WHOLE_NUMBER.fullmatch(raw) and 1 <= int(raw) <= highest):
            raise ValueError(f"must be a whole number from 1 to {highest:,}")
        return int(raw)

    return check


def _one_of(kind: type[Enum]) -> Callable[[list[str]], list[str]]:
    def check(values: list[str]) -> list[str]:
        known = [member.value for member in kind]
        if any(value not in known for value in values):
            raise ValueError(f"must be one of: {', '.join(known)}")
        return values

    return check


def _at_most(longest: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        if len(value) > longest:
            raise ValueError(f"must be {longest} characters or fewer")
        return value

    return check


# Constraints first, so they describe the type; the validator after them runs first and words the 400.
PageNumber = Annotated[int, Field(ge=1, le=PAGE_MAX, description="Page number, from 1"),
                       BeforeValidator(_whole_number(PAGE_MAX))]
PerPage = Annotated[int, Field(ge=1, le=PER_PAGE_MAX, description="Results per page"),
                    BeforeValidator(_whole_number(PER_PAGE_MAX))]
# Every address on the site refuses a null character (web/input_bounds.py); saying so
# here keeps the document honest about it.
Words = Annotated[str, Field(max_length=WORDS_MAX, pattern=r"^[^\x00]*$"), BeforeValidator(_at_most(WORDS_MAX))]


class Address(BaseModel):
    """The variable parts of a path; `not_found` is what a 404 for it means."""

    not_found: ClassVar[str]


class ProjectAddress(Address):
    not_found = "There is no published project with that slug"
    slug: str = Field(max_length=SLUG_MAX, description="The project's stable identifier, as in its web address",
                      examples=["street-drinking-plymouth"])


class Paging(BaseModel):
    page: PageNumber = 1
    per_page: PerPage = PER_PAGE_DEFAULT


class ProjectQuery(Paging):
    q: Words = Field("", description="Words that must each appear in the title, summary, theme, place or "
                                     "agreed vision; best matches first")
    sector: Annotated[list[Sector], BeforeValidator(_one_of(Sector))] = Field(
        [], description="Keep projects with a partner of one of these sectors")
    phase: Annotated[list[Phase], BeforeValidator(_one_of(Phase))] = Field(
        [], description="Keep projects in one of these phases")
    place: Words = Field("", description="Keep projects in this place (any case)")

    def filters(self) -> ProjectFilters:
        return ProjectFilters(words=self.q, sectors=tuple(self.sector), phases=tuple(self.phase), place=self.place)


class DecisionQuery(Paging):
    status: Annotated[list[DecisionStatus], BeforeValidator(_one_of(DecisionStatus))] = Field(
        [], description="Keep decisions with one of these statuses")


class LessonQuery(Paging):
    q: Words = Field("", description="Words that must each appear in the lesson's title or in one of its three answers")
