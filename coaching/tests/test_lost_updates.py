"""The vocational profile and the benefits-counselling notes are written by the coach and
by coordinators: a second save from the same starting version is refused with a message,
the typed text stays in the form, and the first save's text stays."""

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_a_second_profile_save_from_the_same_version_is_refused(client, referral, tuula, kaisa):
    url = reverse("coaching:profile", args=[referral.uuid])
    client.force_login(tuula)
    version = client.get(url).context["form"]["lock_version"].value()
    assert version == 0
    first = client.post(url, {"lock_version": version, "preferences": "Tuulan teksti"})
    assert first.status_code == 302
    client.force_login(kaisa)
    second = client.post(url, {"lock_version": version, "preferences": "Kaisan teksti"})
    assert second.status_code == 409
    form = second.context["form"]
    assert _stale_message(form)
    assert form["preferences"].value() == "Kaisan teksti"
    assert b"Joku muu tallensi" in second.content or b"Someone else saved this" in second.content
    referral.profile.refresh_from_db()
    assert referral.profile.preferences == "Tuulan teksti"
    # Saving again, now from the current version, goes through.
    again = client.post(
        url, {"lock_version": form["lock_version"].value(), "preferences": "Kaisan teksti"}
    )
    assert again.status_code == 302


def test_a_second_benefits_save_from_the_same_version_is_refused(client, referral, tuula, kaisa):
    url = reverse("coaching:benefits", args=[referral.uuid])
    today = timezone.localdate().isoformat()
    client.force_login(tuula)
    version = client.get(url).context["form"]["lock_version"].value()

    def data(notes):
        return {
            "lock_version": version,
            "benefits_counselling_on": today,
            "benefits_counselling_notes": notes,
        }

    assert client.post(url, data("Tuulan muistiinpanot")).status_code == 302
    client.force_login(kaisa)
    second = client.post(url, data("Kaisan muistiinpanot"))
    assert second.status_code == 409
    assert second.context["form"]["benefits_counselling_notes"].value() == "Kaisan muistiinpanot"
    referral.refresh_from_db()
    assert referral.benefits_counselling_notes == "Tuulan muistiinpanot"


def _stale_message(form) -> bool:
    """The stale-save message at the top of the form, in the user's language."""
    text = " ".join(form.non_field_errors())
    return "Someone else saved this" in text or "Joku muu tallensi" in text
