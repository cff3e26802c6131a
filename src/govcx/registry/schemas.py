"""The shape of a service passport as clients send it: API, forms and CSV/XLSX imports all go through it."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

from govcx.registry.vocabulary import Channel, DeadlineKind, Level, Stage


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title_en: str = Field(min_length=1, max_length=300)
    title_ru: str = Field(default="", max_length=300)
    requires_visit: bool = False


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name_en: str = Field(min_length=1, max_length=300)
    name_ru: str = Field(default="", max_length=300)
    held_in_registry: bool = False
    registry_name: str = Field(default="", max_length=200)


class ServiceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9\-_]*$", max_length=80)
    name_en: str = Field(min_length=1, max_length=300)
    name_ru: str = Field(default="", max_length=300)
    description_en: str = ""
    description_ru: str = ""
    owner: str = Field(min_length=1, description="code of the owning organisation")
    client_categories: list[str] = Field(min_length=1, description="client category codes")
    life_situations: list[str] = Field(default_factory=list, description="life situation codes")
    channels: list[Channel] = Field(default_factory=list)
    stage: Stage = Stage.DESIGN
    deadline_days: int | None = Field(default=None, ge=0, le=3650)
    deadline_kind: DeadlineKind = DeadlineKind.WORKING
    fee: Decimal = Field(default=Decimal(0), ge=0, max_digits=12, decimal_places=2)
    legal_basis: str = ""
    page_urls: list[HttpUrl] = Field(default_factory=list)
    feedback_url: HttpUrl | None = None
    steps: list[StepIn] = Field(default_factory=list)
    documents: list[DocumentIn] = Field(default_factory=list)

    @field_validator("channels")
    @classmethod
    def _unique_channels(cls, value: list[Channel]) -> list[Channel]:
        return list(dict.fromkeys(value))


class OrganisationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9\-_]*$", max_length=64)
    name_en: str = Field(min_length=1, max_length=300)
    name_ru: str = Field(default="", max_length=300)
    level: Level
    parent: str | None = Field(default=None, description="code of the parent organisation")
    region_code: str = Field(default="", max_length=8, description="ISO 3166-2 subdivision, e.g. RU-TUL")
    is_central_office: bool = False


class ReferenceIn(BaseModel):
    """A client category or a life situation."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9\-_]*$", max_length=64)
    name_en: str = Field(min_length=1, max_length=200)
    name_ru: str = Field(default="", max_length=200)
