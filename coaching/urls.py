from django.urls import path

from coaching import views

app_name = "coaching"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("refer/", views.refer, name="refer"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("employers/", views.employer_list, name="employer_list"),
    path("employers/recent/", views.employer_recent, name="employer_recent"),
    path("employers/<uuid:employer_id>/", views.employer_detail, name="employer_detail"),
    path("fidelity/", views.fidelity_list, name="fidelity_list"),
    path("fidelity/new/", views.fidelity_create, name="fidelity_create"),
    path("fidelity/<uuid:review_id>/", views.fidelity_detail, name="fidelity_detail"),
    path("jobs/<uuid:job_start_id>/end/", views.job_end, name="job_end"),
    path("<uuid:referral_id>/", views.referral_detail, name="referral_detail"),
    path("<uuid:referral_id>/take/", views.take, name="take"),
    path("<uuid:referral_id>/profile/", views.profile_edit, name="profile"),
    path("<uuid:referral_id>/benefits/", views.benefits, name="benefits"),
    path("<uuid:referral_id>/jobs/new/", views.job_start_create, name="job_start_create"),
    path("<uuid:referral_id>/notes/new/", views.note_create, name="note_create"),
    path("<uuid:referral_id>/end/", views.referral_end, name="referral_end"),
]
