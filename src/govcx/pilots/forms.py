"""The criterion form: while the pilot is planned it edits the criterion itself; once the pilot runs it registers a
new version, and then the reason is required. Thresholds are typed in percentage points and the confidence in
percent, as the pages show them; the service keeps shares on 0–1."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from govcx import labels
from govcx.common.forms import CheckedForm
from govcx.maturity.measure_names import MEASURES
from govcx.pilots.models import COMPARISON_GROUPS, DIRECTIONS, EffectivenessCriterion

#: Form fields typed in percent (points or level) and the criterion's field on 0–1 they become.
PERCENT_FIELDS = ("minimum_effect", "iterate_threshold", "confidence")


class CriterionForm(CheckedForm):
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

    def __init__(self, *args: Any, criterion: EffectivenessCriterion, versioned: bool, **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.initial_from(criterion))
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["tool"]).choices = [
            (t, labels.PILOT_TOOLS.get(t, t)) for t in criterion.programme.tools]
        cast(forms.ChoiceField, self.fields["measure"]).choices = [
            (m.name, labels.MEASURES.get(m.label_key, m.name)) for m in MEASURES]
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
