"""The error summary of the consultation request form (templates/_error_summary.html):
every error once, in the order of the page, each linking to its field, and each field
marked invalid and described by its message."""

import re

from django.urls import reverse

from coordination.models import ConsultationRequest


def test_an_empty_request_lists_every_error_with_a_link_to_its_field(client, alice):
    client.force_login(alice)
    response = client.post(reverse("consultation_create"), {"kind": "identified"})
    assert response.status_code == 200
    assert not ConsultationRequest.objects.exists()
    page = response.content.decode()
    found = re.search(r'<div[^>]*id="form-errors".*?</div>', page, re.S)
    assert found
    summary = found.group(0)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    links = re.findall(r'<a href="#([\w-]+)" data-field="([\w-]+)">', summary)
    fields = [anchor for anchor, field in links if anchor == field]
    # In the order of the page: the client, the consent, then the request.
    assert fields == [
        "id_client-first_name",
        "id_client-last_name",
        "id_client-date_of_birth",
        "id_client-municipality",
        "id_client-language",
        "id_consent-consent_given",
        "id_consent-method",
        "id_reasons_0",
        "id_asked_0",
        "id_urgency",
        "id_channel",
        "id_description",
    ]
    for field in fields:
        # The field says it is invalid; its message is what describes it (a group of
        # boxes: the fieldset around it).
        found = re.search(rf'<input[^>]*id="{field}"[^>]*>|<select[^>]*id="{field}"[^>]*>'
                          rf'|<textarea[^>]*id="{field}"[^>]*>', page)  # fmt: skip
        assert found
        tag = found.group(0)
        assert 'aria-invalid="true"' in tag, field
        name = field.removesuffix("_0")
        assert f'aria-describedby="{name}_error"' in page or f'{name}_error"' in tag, field
        assert f'id="{name}_error"' in page, field


def test_the_summary_is_not_there_before_sending(client, alice):
    client.force_login(alice)
    page = client.get(reverse("consultation_create")).content.decode()
    assert 'id="form-errors"' not in page
    assert 'id="required-note"' in page
