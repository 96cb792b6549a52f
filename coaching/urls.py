from django.urls import path

from coaching.views import caseload, employers, fidelity, records, referring

app_name = "coaching"
urlpatterns = [
    path("", caseload.caseload, name="caseload"),
    path("refer/", referring.refer, name="refer"),
    path("contacts/new/", records.contact_create, name="contact_create"),
    path("employers/", employers.employer_list, name="employer_list"),
    path("employers/recent/", records.employer_recent, name="employer_recent"),
    path("employers/<uuid:employer_id>/", employers.employer_detail, name="employer_detail"),
    path("fidelity/", fidelity.fidelity_list, name="fidelity_list"),
    path("fidelity/new/", fidelity.fidelity_create, name="fidelity_create"),
    path("fidelity/<uuid:review_id>/", fidelity.fidelity_detail, name="fidelity_detail"),
    path("jobs/<uuid:job_start_id>/end/", records.job_end, name="job_end"),
    path("<uuid:referral_id>/", records.referral_detail, name="referral_detail"),
    path("<uuid:referral_id>/take/", caseload.take, name="take"),
    path("<uuid:referral_id>/profile/", records.profile_edit, name="profile"),
    path("<uuid:referral_id>/benefits/", records.benefits, name="benefits"),
    path("<uuid:referral_id>/jobs/new/", records.job_start_create, name="job_start_create"),
    path("<uuid:referral_id>/notes/new/", records.note_create, name="note_create"),
    path("<uuid:referral_id>/end/", records.referral_end, name="referral_end"),
]
