"""The adjustment form of the assessment page: a due date from today on, an owner picked from the people of the
service's authority (the service checks both again and writes)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govcx.accounts.models import User
from govcx.common.forms import CheckedForm, SearchableSelect


class AdjustmentForm(CheckedForm):
    requirement_id = forms.ChoiceField(label=_("Requirement"), widget=forms.Select(attrs={"id": "adj-req"}))
    action = forms.CharField(label=_("Action"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 2, "id": "adj-action"}))
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int,
                                   widget=SearchableSelect(attrs={"id": "adj-owner"}))
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date", "id": "adj-due"}),
                               error_messages={"invalid": _("Give the due date as a date, e.g. 2026-12-31.")})

    def __init__(self, *args: Any, gaps=(), people=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        self.people = {user.pk: user for user in people}
        cast(forms.ChoiceField, self.fields["requirement_id"]).choices = [
            (g["requirement_id"], g["title"]) for g in gaps]
        cast(forms.ChoiceField, self.fields["owner"]).choices = [("", _("Choose a person"))] + [
            (user.pk, user.person_name()) for user in self.people.values()]
        self.fields["due_date"].widget.attrs["min"] = self.today.isoformat()

    def clean_due_date(self) -> dt.date:
        due: dt.date = self.cleaned_data["due_date"]
        if due < self.today:
            raise forms.ValidationError(_("The due date has passed; choose today or a later day."))
        return due

    def chosen_owner(self) -> User:
        return self.people[self.cleaned_data["owner"]]
