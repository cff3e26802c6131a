"""The pilot's forms: a new programme, a participant, and the criterion form (a new criterion, or while the pilot is
planned the criterion itself; once the pilot runs a new version, and then the reason is required). Thresholds are
typed in percentage points and the confidence in percent, as the pages show them; the service keeps shares on 0–1."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from govcx import labels
from govcx.common.forms import CheckedForm
from govcx.maturity.measure_names import MEASURES
from govcx.pilots.models import (
    COMPARISON_GROUPS,
    DIRECTIONS,
    PARTICIPANT_ROLES,
    TOOLS,
    EffectivenessCriterion,
    PilotProgramme,
)
from govcx.registry.models import Organisation

#: Form fields typed in percent (points or level) and the criterion's field on 0–1 they become.
PERCENT_FIELDS = ("minimum_effect", "iterate_threshold", "confidence")


class ProgrammeForm(CheckedForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    owner = forms.ChoiceField(label=_("Run by"))
    tools = forms.MultipleChoiceField(label=_("Tools piloted"), widget=forms.CheckboxSelectMultiple,
                                      choices=[(t, labels.PILOT_TOOLS[t]) for t in TOOLS])
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, owners: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["owner"]).choices = [(o.pk, o.name) for o in owners]


class ParticipantForm(CheckedForm):
    organisation = forms.ChoiceField(label=_("Authority"))
    role = forms.ChoiceField(label=_("Takes part as"),
                             choices=[(r, labels.PILOT_PARTICIPANT_ROLES[r]) for r in PARTICIPANT_ROLES])

    def __init__(self, *args: Any, candidates: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["organisation"]).choices = [(o.pk, o.name) for o in candidates]


class CriterionForm(CheckedForm):
    key = forms.SlugField(label=_("Key"), max_length=64,
                          help_text=_("A short code that names the criterion across its versions, e.g. satisfaction."))
    tool = forms.ChoiceField(label=_("Tool"))
    measure = forms.ChoiceField(label=_("Measure"))
    direction = forms.ChoiceField(label=_("The measure"),
                                  choices=[(d, labels.PILOT_DIRECTIONS[d]) for d in DIRECTIONS])
    minimum_effect = forms.FloatField(
        label=_("Minimum effect worth scaling, percentage points"), min_value=0, max_value=100,
        help_text=_("In the expected direction: scale up when the whole interval of the effect reaches it."))
    iterate_threshold = forms.FloatField(
        label=_("Effect worth another round, percentage points"), min_value=-100, max_value=100,
        help_text=_("Iterate when the measured effect reaches it; at most the minimum effect worth scaling."))
    confidence = forms.FloatField(label=_("Confidence level of the interval, %"), min_value=50, max_value=99.9)
    comparison_group = forms.ChoiceField(
        label=_("Compared with"), choices=[(g, labels.PILOT_COMPARISON_GROUPS[g]) for g in COMPARISON_GROUPS])
    reason = forms.CharField(label=_("Why it changes"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, programme: PilotProgramme, criterion: EffectivenessCriterion | None = None,
                 versioned: bool = False, **kwargs: Any) -> None:
        if criterion is not None:
            kwargs.setdefault("initial", self.initial_from(criterion))
        else:
            kwargs.setdefault("initial", {"confidence": 95, "direction": "increase"})
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["tool"]).choices = [
            (t, labels.PILOT_TOOLS.get(t, t)) for t in programme.tools]
        cast(forms.ChoiceField, self.fields["measure"]).choices = [
            (m.name, labels.MEASURES.get(m.label_key, m.name)) for m in MEASURES]
        if criterion is not None:
            del self.fields["key"]
        if versioned:
            self.fields["reason"].required = True
            self.fields["reason"].help_text = _("Shown with the new version; the version it replaces stays.")
        else:
            del self.fields["reason"]

    @staticmethod
    def initial_from(criterion: EffectivenessCriterion) -> dict[str, Any]:
        return {"tool": criterion.tool, "measure": criterion.measure, "direction": criterion.direction,
                "comparison_group": criterion.comparison_group,
                **{f: round(getattr(criterion, f) * 100, 6) for f in PERCENT_FIELDS}}

    def values(self) -> dict[str, Any]:
        """The criterion's fields as the service takes them (shares on 0–1)."""
        data = self.cleaned_data
        return {"tool": data["tool"], "measure": data["measure"], "direction": data["direction"],
                "comparison_group": data["comparison_group"], **{f: data[f] / 100 for f in PERCENT_FIELDS}}
