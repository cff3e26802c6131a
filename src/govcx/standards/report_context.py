"""What the assessment page and its report show: one builder, so page, report and PDF never disagree."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from govcx.standards import selectors
from govcx.standards.charts import group_score_chart_svg
from govcx.standards.models import Assessment
from govcx.standards.presentation import (
    group_scores,
    localized_changes,
    localized_gaps,
    requirement_rows,
    requirement_titles,
)


def assessment_report_context(assessment: Assessment) -> dict[str, Any]:
    comparison = selectors.assessment_comparison(assessment)
    rows = requirement_rows(assessment)
    return {
        "assessment": assessment,
        "pack": assessment.pack.parsed,
        "rows": rows,
        "conflicts": [row.outcome for row in rows if row.outcome is not None and row.outcome.in_conflict],
        "chart": group_score_chart_svg(
            group_scores(assessment), title=_("Score by requirement group"), axis_title=_("Score (0–100)")
        ),
        "comparison": comparison,
        "changes": localized_changes(assessment, comparison),
        "adjustments": assessment.adjustments.all(),
        "requirement_titles": requirement_titles(assessment),  # adjustments name their requirement, not its id
        "blocking": localized_gaps(assessment, "blocking"),
        "non_blocking": localized_gaps(assessment, "non_blocking"),
    }
