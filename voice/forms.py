"""The client's questionnaires (their words come from `voice.texts`, in the variant the
client chose) and the professional's small forms for making and sending a link."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.models import WorkAbilityAssessment
from voice.models import Answer, ClientLink, FeedbackAnswer

QUESTIONS = ("heard", "understood", "knows_next", "recommends")
NARRATIVE_MAX = 1000


class _TextsForm(forms.Form):
    """A form whose labels and messages are the client's chosen texts."""

    def __init__(self, texts: dict[str, str], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.texts = texts
        for name, field in self.fields.items():
            if name in texts:
                field.label = texts[name]
            field.error_messages["required"] = texts["choose_one"]
            field.error_messages["invalid_choice"] = texts["choose_one"]


class FeedbackForm(_TextsForm):
    heard = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect)
    understood = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect)
    knows_next = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect)
    recommends = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect)
    # No max_length here: a long text gets a message saying how long it is, not a cut.
    free_text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, texts: dict[str, str], *args, **kwargs) -> None:
        super().__init__(texts, *args, **kwargs)
        choices = [
            (Answer.YES.value, texts["yes"]),
            (Answer.PARTLY.value, texts["partly"]),
            (Answer.NO.value, texts["no"]),
        ]
        for name in QUESTIONS:
            self.fields[name].choices = choices  # type: ignore[attr-defined]
        self.fields["free_text"].help_text = texts["free_text_help"]

    def clean_free_text(self) -> str:
        text: str = self.cleaned_data["free_text"].strip()
        if len(text) > FeedbackAnswer.FREE_TEXT_MAX:
            raise forms.ValidationError(self.texts["too_long"] % {"count": len(text)})
        return text


def _scale(required: bool) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        choices=[(n, str(n)) for n in range(11)],
    )


class SelfAssessmentForm(_TextsForm):
    DOMAINS = tuple(name for name, _label in WorkAbilityAssessment.DOMAINS)

    score = _scale(required=True)
    physical_functioning = _scale(required=False)
    mental_wellbeing = _scale(required=False)
    social_participation = _scale(required=False)
    competence = _scale(required=False)
    everyday_coping = _scale(required=False)
    motivation_values = _scale(required=False)
    work_environment = _scale(required=False)
    narrative = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, texts: dict[str, str], *args, **kwargs) -> None:
        super().__init__(texts, *args, **kwargs)
        for name in self.DOMAINS:
            self.fields[name].choices = [  # type: ignore[attr-defined]
                ("", texts["dont_know"]),
                *[(n, str(n)) for n in range(11)],
            ]
        self.fields["narrative"].help_text = texts["narrative_help"]

    def clean_narrative(self) -> str:
        text: str = self.cleaned_data["narrative"].strip()
        if len(text) > NARRATIVE_MAX:
            raise forms.ValidationError(self.texts["narrative_too_long"] % {"count": len(text)})
        return text

    def domain_fields(self):
        return [self[name] for name in self.DOMAINS]


class LinkCreateForm(forms.Form):
    purpose = forms.ChoiceField(label=_("purpose"), choices=ClientLink.Purpose.choices)


class LinkSendForm(forms.Form):
    email = forms.EmailField(label=_("Client's e-mail address"))
