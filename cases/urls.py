from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_register, name="register"),
    path("distribution/", views.distribution_add, name="distribution"),
    path("caseload/", views.caseload, name="caseload"),
    path("new/known-people/", views.known_people_check, name="known_people"),
    path("link-requests/<int:pk>/", views.link_request_detail, name="link_request"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/transition/", views.case_transition, name="transition"),
    path("<int:pk>/withdraw/", views.case_withdraw, name="withdraw"),
    path("<int:pk>/assign/", views.case_assign, name="assign"),
    path("<int:pk>/assistance/", views.assistance_add, name="assistance_add"),
    path("<int:pk>/counselling/", views.counselling_add, name="counselling_add"),
    path("<int:pk>/declaration/", views.declaration_add, name="declaration_add"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<int:pk>/people/<int:person_pk>/edit/", views.person_edit, name="person_edit"),
    path(
        "<int:pk>/people/<int:person_pk>/duplicate/",
        views.duplicate_resolve,
        name="duplicate_resolve",
    ),
    path(
        "<int:pk>/people/<int:person_pk>/link-request/",
        views.duplicate_link_request,
        name="duplicate_link_request",
    ),
]
