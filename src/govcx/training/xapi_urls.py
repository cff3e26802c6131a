from django.urls import path

from govcx.training import xapi_document_views, xapi_lookup_views, xapi_views

urlpatterns = [
    path("statements", xapi_views.statements, name="xapi_statements"),
    path("statements/", xapi_views.statements),
    path("about", xapi_views.about, name="xapi_about"),
    path("about/", xapi_views.about),
    path("agents", xapi_lookup_views.agents, name="xapi_agents"),
    path("activities", xapi_lookup_views.activities, name="xapi_activities"),
    path("activities/state", xapi_document_views.state, name="xapi_state"),
    path("activities/profile", xapi_document_views.activity_profile, name="xapi_activity_profile"),
    path("agents/profile", xapi_document_views.agent_profile, name="xapi_agent_profile"),
]
