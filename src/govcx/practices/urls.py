from django.urls import path

from govcx.practices import views

app_name = "practices"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("<int:self_assessment_id>/", views.assessment_detail, name="detail"),
    path("<int:self_assessment_id>/review/", views.assessment_review, name="review"),
]
