"""The clients' free texts for the hub: shown only for a period with at least five
answers, without dates or anything else that would tell who wrote them."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.widgets import DateInput
from voice.models import FeedbackAnswer

THRESHOLD = 5


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def clean(self):
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date cannot be before the start date."))
        return cleaned


def _period(form: PeriodForm) -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    default_start = today - datetime.timedelta(days=365)
    if not form.is_valid():
        return default_start, today
    return form.cleaned_data["start"] or default_start, form.cleaned_data["end"] or today


def free_texts(query) -> dict:
    """The form, the period, the number of answers in it and, from five answers on, the
    free texts (in an order that says nothing of when they came: by their random key)."""
    form = PeriodForm(query or None)
    start, end = _period(form)
    answers = FeedbackAnswer.objects.filter(answered_on__range=(start, end))
    count = answers.count()
    texts = []
    if count >= THRESHOLD:
        texts = list(
            answers.exclude(free_text="").order_by("id").values_list("touchpoint", "free_text")
        )
    return {
        "form": form,
        "start": start,
        "end": end,
        "count": count,
        "shown": count >= THRESHOLD,
        "threshold": THRESHOLD,
        "texts": [
            {"touchpoint": FeedbackAnswer(touchpoint=t).get_touchpoint_display(), "text": x}
            for t, x in texts
        ],
    }
