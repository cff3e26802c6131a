"""The passport form: flat fields for people, converted to the one ServiceIn schema."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError

from govcx import labels
from govcx.common.forms import CheckedForm, SearchableSelect
from govcx.registry.models import ClientCategory, LifeSituation, Organisation
from govcx.registry.passport_text import format_documents, format_steps, parse_documents, parse_steps
from govcx.registry.schemas import ServiceIn
from govcx.registry.vocabulary import Channel, DeadlineKind, Stage


class ServiceForm(CheckedForm):
    code = forms.SlugField(label=_("Code"), max_length=80)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=300, required=False)
    description_en = forms.CharField(
        label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    description_ru = forms.CharField(
        label=_("Description (Russian)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    owner = forms.ChoiceField(label=_("Owner"), widget=SearchableSelect)
    client_categories = forms.MultipleChoiceField(label=_("Client categories"), widget=forms.CheckboxSelectMultiple)
    life_situations = forms.MultipleChoiceField(
        label=_("Life situations"), widget=forms.CheckboxSelectMultiple, required=False
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        choices=[(c.value, labels.CHANNELS[c.value]) for c in Channel],
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=[(s.value, labels.STAGES[s.value]) for s in Stage])
    deadline_days = forms.IntegerField(label=_("Regulated deadline (days)"), min_value=0, required=False)
    deadline_kind = forms.ChoiceField(
        label=_("Deadline counted in"),
        choices=[(DeadlineKind.WORKING.value, _("working days")), (DeadlineKind.CALENDAR.value, _("calendar days"))],
    )
    fee = forms.DecimalField(label=_("Fee"), min_value=0, decimal_places=2, initial=0)
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    page_urls = forms.CharField(
        label=_("Page URLs"), help_text=_("One per line."), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    feedback_url = forms.URLField(label=_("Feedback channel URL"), required=False, assume_scheme="https")
    steps = forms.CharField(
        label=_("Steps"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_('One per line; "English / Russian"; end with [visit] if the client must come in person.'),
    )
    documents = forms.CharField(
        label=_("Requested documents"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_('One per line; "English / Russian | Registry" if a state registry already holds it.'),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, organisations=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = organisations if organisations is not None else Organisation.objects.all()
        self.fields["owner"].choices = [(o.code, o.name) for o in orgs]
        self.fields["client_categories"].choices = [(c.code, c.name) for c in ClientCategory.objects.all()]
        self.fields["life_situations"].choices = [(s.code, s.name) for s in LifeSituation.objects.all()]

    @staticmethod
    def initial_from(passport: dict[str, Any], version: int) -> dict[str, Any]:
        return {
            **passport,
            "page_urls": "\n".join(passport["page_urls"]),
            "feedback_url": passport["feedback_url"] or "",
            "steps": format_steps(passport["steps"]),
            "documents": format_documents(passport["documents"]),
            "version": version,
        }

    def to_schema(self) -> ServiceIn | None:
        """The validated ServiceIn, or None with the schema's errors attached to the form's fields."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["page_urls"] = [u.strip() for u in (data.get("page_urls") or "").splitlines() if u.strip()]
        data["feedback_url"] = data.get("feedback_url") or None
        data["steps"] = parse_steps(data.get("steps") or "")
        data["documents"] = parse_documents(data.get("documents") or "")
        for key in ("name_ru", "description_en", "description_ru", "legal_basis"):
            data[key] = data.get(key) or ""
        try:
            return ServiceIn.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                field = str(error["loc"][0]) if error["loc"] else None
                self.add_error(field if field in self.fields else None, f"{error['msg']}")
            return None
