"""Human labels (translated) for the codes shown in pages, reports and exports."""

from django.utils.translation import gettext_lazy as _

VERDICTS = {
    "ready": _("Ready to launch"),
    "launch_with_adjustments": _("Launch with adjustments"),
    "not_ready": _("Not ready"),
}
STAGES = {"design": _("Design"), "alpha": _("Alpha"), "beta": _("Beta"), "live": _("Live")}
STATUSES = {
    "met": _("Met"),
    "not_met": _("Not met"),
    "not_applicable": _("Not applicable"),
    "unknown": _("Unknown"),
    "open": _("Open"),
    "in_progress": _("In progress"),
    "done": _("Done"),
}
CHANNELS = {
    "portal": _("Portal"),
    "office": _("Office"),
    "phone": _("Phone"),
    "mobile_app": _("Mobile app"),
    "proactive": _("Proactive"),
}
LEVELS = {"federal": _("Federal"), "regional": _("Regional"), "municipal": _("Municipal")}
ROLES = {
    "admin": _("Administrator"),
    "central_analyst": _("Central analyst"),
    "service_owner": _("Service owner"),
    "assessor": _("Assessor"),
    "lab_researcher": _("Lab researcher"),
    "cx_analyst": _("CX analyst"),
    "viewer": _("Viewer"),
}
