from django.urls import path

from cases.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.referral_new, name="new"),
    path("bulk/", views.referral_bulk, name="bulk"),
    path("bulk/template.xlsx", views.referral_template, name="template"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/edit/", views.referral_edit, name="edit"),
    path("<int:pk>/review/", views.referral_review, name="review"),
    path("<int:pk>/accept/", views.referral_accept, name="accept"),
    path("<int:pk>/decline/", views.referral_decline, name="decline"),
    path("<int:pk>/withdraw/", views.referral_withdraw, name="withdraw"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.referral_attachment,
        name="attachment",
    ),
]
