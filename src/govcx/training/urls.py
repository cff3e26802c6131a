from django.urls import path

from govcx.training import views

app_name = "training"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("<int:programme_id>/", views.programme_detail, name="programme"),
    path("<int:programme_id>/coverage.<str:fmt>", views.coverage_export, name="coverage_export"),
    path("<int:programme_id>/people/", views.people, name="people"),
    path("<int:programme_id>/courses/", views.courses, name="courses"),
    path("<int:programme_id>/attitudes/", views.attitudes, name="attitudes"),
    path("<int:programme_id>/roster/", views.roster, name="roster"),
    path("<int:programme_id>/attendance/", views.attendance, name="attendance"),
]
