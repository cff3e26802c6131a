"""Human labels (translated) for the codes shown in pages, reports and exports: one table per vocabulary, the
only place a code gets its words (pages, forms, template filters and charts read them from here)."""

from typing import Any

from django.utils.translation import gettext_lazy as _


def label_of(table: dict[Any, Any], value: Any) -> str:
    """A code's words from one of these tables ("—" for no code; an unknown code as it is)."""
    return str(table.get(value, value if value not in (None, "") else "—"))


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
    "proactive_officer": _("Proactive services officer"),
    "training_officer": _("Training officer"),
    "citizen": _("Citizen"),
}

# --- registry: the passport's history ---
PASSPORT_EVENTS = {"service.create": _("passport created"), "service.update": _("passport changed")}
PASSPORT_FIELDS = {
    "code": _("code"), "name_en": _("name in English"), "name_ru": _("name in Russian"),
    "description_en": _("description in English"), "description_ru": _("description in Russian"),
    "owner": _("owner"), "client_categories": _("client categories"), "life_situations": _("life situations"),
    "channels": _("channels"), "stage": _("stage"), "deadline_days": _("regulated deadline"),
    "deadline_kind": _("kind of days"), "fee": _("fee"), "legal_basis": _("legal basis"), "page_urls": _("pages"),
    "feedback_url": _("feedback channel"), "steps": _("steps"), "documents": _("requested documents"),
    "version": _("version"),
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
#: The best point estimate of a completion rate (lab.metrics.completion_point_estimate, Lewis & Sauro 2006).
COMPLETION_ESTIMATES = {
    "wilson": _("Wilson estimate"), "mle": _("observed share"), "laplace": _("Laplace estimate"),
}

# --- feedback ---
SENTIMENTS = {"positive": _("positive"), "neutral": _("neutral"), "negative": _("negative")}

#: Rated questions of the shipped survey templates by a short name, for the dashboards' question filter (the
#: full wording is the question's label in its survey).
QUESTIONS = {
    "overall": _("Overall satisfaction"), "trust": _("Trust"), "effectiveness": _("Need addressed"),
    "ease": _("Ease"), "efficiency": _("Time it took"), "equity": _("Fair treatment"),
    "employee": _("Helpful employees"), "effort": _("Effort"), "nps": _("Would recommend (NPS)"),
    "time_to_service": _("Time to provide the service"), "queue_wait": _("Waiting in the queue"),
    "staff_courtesy": _("Courtesy and competence of staff"), "premises_comfort": _("Comfort of the premises"),
    "information_availability": _("Information about the service"),
}

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

# --- audit ---
#: The WCAG 2.2 criteria checked by hand (audit.engine.options.WCAG22_MANUAL), by number.
WCAG_CRITERIA = {
    "2.4.11": _("Focus Not Obscured (Minimum)"),
    "2.5.7": _("Dragging Movements"),
    "3.2.6": _("Consistent Help"),
    "3.3.7": _("Redundant Entry"),
    "3.3.8": _("Accessible Authentication (Minimum)"),
}

# --- complaints ---
COMPLAINT_STATUSES = {
    "received": _("Received"),
    "in_work": _("In work"),
    "answered": _("Answered"),
    "overdue": _("Overdue"),
    "open": _("Not answered yet"),  # the queue's filter: received, in work or overdue
}
COMPLAINT_HISTORY = {
    "complaint.submit": _("Received"),
    "complaint.take": _("Taken into work"),
    "complaint.answer": _("Answered"),
    "complaint.extend": _("Deadline extended"),
    "complaint.link_adjustment": _("Linked to the change made in response"),
    "complaint.citizen_told": _("Citizen told that the change is done"),
}

# Cases opened from feedback (complaints.models.Case)
CASE_STATUSES = {
    "open": _("To do"),
    "in_progress": _("In progress"),
    "closed": _("Closed"),
    "overdue": _("Overdue"),
}
CASE_REASONS = {
    "low_rating": _("Low rating"),
    "flagged_comment": _("Comment flagged as a problem"),
}
CASE_HISTORY = {
    "case.open": _("Opened"),
    "case.plan": _("Owner or due date changed"),
    "case.start": _("Work started"),
    "case.close": _("Closed"),
}

# Background jobs by kind (jobs/registry.py), and the steps their handlers report (stored in English, shown
# through the catalogue: `{% translate job.step %}`; a step that names a page or a service shows as it is).
JOB_KINDS = {
    "audit.run": _("Page audit"),
    "audit.reaudit": _("Scheduled re-audit"),
    "feedback.sync": _("Analytics store sync"),
    "feedback.compact": _("Analytics store compaction"),
    "feedback.embed": _("Reading the meaning of new comments"),
    "complaints.remind": _("Complaint reminders"),
    "outbox.send": _("Sending messages (e-mail, webhooks)"),
    "complaints.close_loop": _("Telling citizens what changed after their complaints"),
    "complaints.open_cases": _("Cases from low ratings"),
    "reports.send": _("Subscribed report e-mails"),
    "proactive.run": _("Proactive offers run"),
    "proactive.expire": _("Expiry of unanswered offers"),
    "proactive.whatif": _("Draft rules' what-if over a register"),
    "training.roster_import": _("Roster import"),
    "registry.import": _("Service register import"),
    "feedback.history_import": _("Survey history import"),
    "training.remind": _("Training reminders"),
    "delivery.import": _("Event log import"),
}
JOB_STEPS = (
    _("opening the browser"),
    _("storing the results"),
    _("copying new answers to the analytics store"),
    _("embedding new comments"),
    _("cancelled"),
    _("reading the roster"),
    _("reading the event log"),
    _("checking which events are new"),
    _("storing the new events"),
    _("households computed"),
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
# --- proactive ---
OFFER_STATES = {
    "proposed": _("Proposed"),
    "notified": _("Notified"),
    "accepted": _("Accepted"),
    "declined": _("Declined"),
    "expired": _("Expired"),
    "payment_instructed": _("Payment instructed"),
    "paid": _("Paid"),
}
BENEFITS = {
    "maternity_capital": _("Maternity (family) capital"),
    "unified_allowance": _("Unified allowance for families with children"),
    "disability_pension": _("Social disability pension"),
}
LIFE_EVENTS = {
    "birth_registered": _("Birth registered"),
    "death": _("Death"),
    "disability_granted": _("Disability granted"),
    "age_reached": _("Age reached"),
    "income_change": _("Income change"),
}
RUN_STATUSES = {"queued": _("Queued"), "running": _("Running"), "done": _("Done"), "failed": _("Failed")}
# --- audit ---
AUDIT_IMPACTS = {"critical": _("Critical"), "serious": _("Serious"), "moderate": _("Moderate"), "minor": _("Minor")}
AUDIT_ISSUE_KINDS = {"violation": _("Violation"), "needs_review": _("Needs review"),
                     "manual": _("Check by hand")}
# --- training ---
POSITION_CATEGORIES = {
    "manager": _("Managers"),
    "adviser": _("Advisers and assistants"),
    "specialist": _("Specialists"),
    "support": _("Support specialists"),
}
COURSE_KINDS = {"elearning": _("E-learning"), "classroom": _("Classroom"), "blended": _("Blended")}
COMPLETION_SOURCES = {"xapi": _("Learning platform (xAPI)"), "file": _("Learning platform file"),
                      "attendance": _("Attendance sheet")}
ATTITUDE_WAVES = {"pre": _("Before training"), "post": _("After training"), "follow_up": _("Months later")}
ROSTER_CHANGES = {"joiner": _("Joined"), "leaver": _("Left"), "move": _("Moved")}
REMINDER_KINDS = {"person": _("To the person"), "manager": _("To the manager"), "summary": _("Weekly summary")}
COVERAGE_GROUPINGS = {"organisation": _("Organisation"), "region": _("Region"),
                      "position_category": _("Position category")}
ATTITUDE_SCALES = {"client_focus": _("Client focus"), "ownership": _("Ownership of the result"),
                   "clarity": _("Plain communication")}
PROCESS_MAP_MODES = {"frequency": _("Frequency: how often"), "performance": _("Performance: mean wait")}
DELIVERY_GROUPS = {"month": _("By month"), "office": _("By office"), "region": _("By region"),
                   "channel": _("By channel")}
DELIVERY_PERIODS = {"before": _("Before"), "after": _("From the day chosen")}
# --- maturity ---
MEASURES = {
    "standards_met": _("Standards met"),
    "tested_with_users": _("Tested with users"),
    "ready_at_launch": _("Ready at launch"),
    "accessible": _("Accessible pages"),
    "satisfaction_mean": _("Satisfaction"),
    "complaints_on_time": _("Complaints answered on time"),
    "deadlines_met": _("Deadlines met"),
    "proactive_share": _("Proactive offers taken up"),
    "staff_trained": _("Staff trained"),
    "management_practices": _("Management practices"),
}
# --- pilots ---
PILOT_TOOLS = {
    "index": _("Client-centricity index"), "standards": _("Service standards"), "lab": _("Usability lab"),
    "audit": _("Page audits"), "feedback": _("Feedback surveys"), "complaints": _("Complaint handling"),
    "delivery": _("Delivery analytics"), "proactive": _("Proactive services"), "training": _("Staff training"),
}
PILOT_STATUSES = {"planned": _("Planned"), "running": _("Running"), "finished": _("Finished")}
PILOT_PARTICIPANT_ROLES = {"treated": _("Pilot participant"), "comparison": _("Comparison authority")}
PILOT_DIRECTIONS = {"increase": _("should rise"), "decrease": _("should fall")}
PILOT_COMPARISON_GROUPS = {"federal": _("Federal bodies"), "regional": _("Regional authorities"),
                           "municipal": _("Municipal authorities"), "all": _("All kinds of authority")}
PILOT_DECISIONS = {"scale": _("Scale up"), "iterate": _("Iterate"), "stop": _("Stop"),
                   "undecided": _("Not enough evidence")}
PILOT_PROBLEMS = {
    "no_treated": _("no pilot participant of this kind has values of the measure"),
    "no_comparison": _("no comparison authority of this kind has values of the measure"),
    "treated_before_after": _("the participants lack values before or after the start"),
    "comparison_before_after": _("the comparison authorities lack values before or after the start"),
}
MEASURE_AREAS = {
    "standards": _("Assessments against the standards"), "lab": _("Usability lab"), "audit": _("Page audits"),
    "feedback": _("Client feedback"), "complaints": _("Complaints"), "delivery": _("Service delivery"),
    "proactive": _("Proactive services"), "training": _("Training"), "practices": _("Management practices"),
}
PEER_GROUPS = {"federal": _("Federal bodies"), "regional": _("Regions")}
PUBLICATION_STATUSES = {"draft": _("Draft"), "published": _("Published")}
# --- practices ---
SELF_ASSESSMENT_STATUSES = {"draft": _("Draft"), "submitted": _("Submitted, awaiting review"),
                            "reviewed": _("Reviewed"), "returned": _("Returned for changes")}
PRACTICE_EVIDENCE = {"feedback_responses": _("Survey responses about its services"),
                     "lab_studies": _("Lab studies with a session held"),
                     "services_assessed": _("Services assessed against a standard"),
                     "services_ready_at_launch": _("Services found ready to launch"),
                     "training_coverage": _("Share of staff trained")}
