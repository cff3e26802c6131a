"""Human labels (translated) for the codes shown in pages, reports and exports: one table per vocabulary, the
only place a code gets its words (pages, forms, template filters and charts read them from here)."""

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

# --- lab ---
STUDY_STATUSES = {"draft": _("Draft"), "recruiting": _("Recruiting"), "running": _("Running"), "closed": _("Closed")}
SESSION_MODES = {"moderated": _("Moderated"), "unmoderated": _("Unmoderated")}
SESSION_STATUSES = {
    "planned": _("Planned"), "in_progress": _("In progress"), "completed": _("Completed"), "abandoned": _("Abandoned"),
}
PARTICIPANT_STATUSES = {
    "recruited": _("Recruited"), "scheduled": _("Scheduled"), "completed": _("Completed"), "withdrawn": _("Withdrawn"),
}
TASK_OUTCOMES = {"success": _("Success"), "partial": _("Partial"), "failure": _("Failure"), "abandoned": _("Gave up")}
FINDING_STATUSES = {"open": _("Open"), "fixed": _("Fixed"), "accepted": _("Accepted")}
QUOTA_DIMENSIONS = {
    "client_category": _("Client category"), "age_band": _("Age band"), "region": _("Region"),
    "digital_confidence": _("Digital confidence"), "disability": _("Disability"),
    "assisted_digital": _("Assisted digital"),
}
AGE_BANDS = {"18-24": "18–24", "25-34": "25–34", "35-44": "35–44", "45-54": "45–54", "55-64": "55–64",
             "65+": _("65 and over")}
#: Nielsen's severity ratings; the number is what the analysis uses, the words are for people.
SEVERITIES = {0: _("Not a problem"), 1: _("Cosmetic"), 2: _("Minor"), 3: _("Major"), 4: _("Catastrophe")}
SUS_ACCEPTABILITY = {"acceptable": _("acceptable"), "marginal": _("marginal"), "not acceptable": _("not acceptable")}
SUS_ADJECTIVES = {
    "best imaginable": _("best imaginable"), "excellent": _("excellent"), "good": _("good"), "OK": _("OK"),
    "poor": _("poor"), "awful": _("awful"), "worst imaginable": _("worst imaginable"),
}
SEQ_POSITIONS = {"above": _("above the benchmark"), "below": _("below the benchmark"),
                 "straddles": _("not distinguishable from the benchmark")}
TIME_METHODS = {"geometric_mean": _("geometric mean"), "median": _("median")}

# --- feedback dashboards ---
DASHBOARD_PERIODS = {"quarter": _("by quarter"), "month": _("by month"), "year": _("by year")}
RESPONSE_CHANNELS = {
    "web": _("Website"), "widget": _("Widget on a website"), "office": _("Office"), "mobile": _("Mobile app"),
    "phone": _("Phone"), "api": _("Another system (API)"), "import": _("Imported"),
}
DASHBOARD_GROUPS = {
    "service_id": _("Service"), "organisation_id": _("Authority"), "region": _("Region"),
    "client_category": _("Client category"), "channel": _("Channel"),
}

# --- surveys (feedback): statuses and the templates a survey starts from ---
SURVEY_STATUSES = {"draft": _("Draft"), "live": _("Open for answers"), "closed": _("Closed")}
SURVEY_TEMPLATES = {
    "quick": _("Quick rating: one tap, the rest optional"),
    "a11_280": _("Customer experience, seven drivers (US OMB A-11 §280)"),
    "a11_280_trust": _("Trust and what went well (US OMB A-11 §280)"),
    "ru_1284": _("Rating of a public service (Government Decree No. 1284)"),
    "csat": _("Customer satisfaction (CSAT)"),
    "ces": _("Customer effort (CES)"),
    "nps": _("Likelihood to recommend (NPS)"),
    "comment": _("A free comment"),
}

# --- complaints ---
COMPLAINT_STATUSES = {
    "received": _("Received"),
    "in_work": _("In work"),
    "answered": _("Answered"),
    "overdue": _("Overdue"),
}
COMPLAINT_HISTORY = {
    "complaint.submit": _("Received"),
    "complaint.take": _("Taken into work"),
    "complaint.answer": _("Answered"),
    "complaint.extend": _("Deadline extended"),
}

# Background jobs by kind (jobs/registry.py), and the steps their handlers report (stored in English, shown
# through the catalogue: `{% translate job.step %}`; a step that names a page or a service shows as it is).
JOB_KINDS = {
    "audit.run": _("Page audit"),
    "audit.reaudit": _("Scheduled re-audit"),
    "feedback.sync": _("Analytics store sync"),
    "feedback.compact": _("Analytics store compaction"),
    "complaints.remind": _("Complaint reminders"),
    "outbox.send": _("Sending e-mail"),
    "delivery.import": _("Event log import"),
}
JOB_STEPS = (
    _("opening the browser"),
    _("storing the results"),
    _("copying new answers to the analytics store"),
    _("cancelled"),
    _("reading the event log"),
    _("checking which events are new"),
    _("storing the new events"),
)

# ---- service delivery ----
EVENT_LOG_COLUMNS = {
    "case": _("Case"),
    "activity": _("Activity"),
    "timestamp": _("Time of the event"),
    "start_timestamp": _("Start time (optional)"),
    "lifecycle": _("Lifecycle (optional)"),
    "resource": _("Employee or system (optional)"),
    "office": _("Office (optional)"),
    "region": _("Region (optional)"),
    "channel": _("Channel (optional)"),
    "deadline": _("Deadline of the case (optional)"),
}
PROCESS_MAP_MODES = {"frequency": _("Frequency: how often"), "performance": _("Performance: mean wait")}
DELIVERY_GROUPS = {"month": _("By month"), "office": _("By office"), "region": _("By region"),
                   "channel": _("By channel")}
DELIVERY_PERIODS = {"before": _("Before"), "after": _("From the day chosen")}
