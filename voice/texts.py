"""The words of the client's pages in four variants: Finnish, Swedish and English through
gettext, and plain Finnish (selkosuomi) as a variant of its own. Plain language is not a
locale Django knows, so its texts live here beside the msgids they stand in for; the page
renders with Finnish as the active language and these texts in place of the catalogue's.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

PLAIN_FINNISH = "selko"
VARIANTS = ("fi", "sv", "en", PLAIN_FINNISH)
# Each variant's name in itself: the switch on the page is read by someone who may not
# understand the language the page is in now.
VARIANT_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English", PLAIN_FINNISH: "Selkosuomi"}

TEXTS = {
    "feedback_title": _("Your feedback"),
    "feedback_intro": _(
        "Tell us how the service went for you. Your answers are anonymous: they are not "
        "stored with your name, and nobody sees who answered."
    ),
    "heard": _("Did you feel heard?"),
    "understood": _("Did you understand what was agreed?"),
    "knows_next": _("Do you know who will help you next?"),
    "recommends": _("Would you recommend this service to a friend?"),
    "free_text": _("Anything else? Tell us in your own words."),
    "free_text_help": _("Please do not write names. At most 2,000 characters."),
    "too_long": _(
        "Your text has %(count)s characters. Please shorten it to at most 2,000 characters."
    ),
    "yes": _("Yes"),
    "partly": _("Partly"),
    "no": _("No"),
    "choose_one": _("Please choose one answer."),
    "send": _("Send"),
    "thanks_title": _("Thank you!"),
    "thanks_text": _("Your answer has been received. You can now close this page."),
    "self_title": _("Your own assessment of your work ability"),
    "self_intro": _(
        "Your answers are saved in your client record, so that the people who work with "
        "you can read them before the meeting."
    ),
    "score": _(
        "How is your work ability now, compared with your best ever? "
        "0 means you cannot work at all, 10 means your best."
    ),
    "domains_intro": _(
        "How are these things for you now? 0 means very poorly, 10 means very well. "
        "You may leave a question unanswered."
    ),
    "dont_know": _("I don't know"),
    "narrative": _("In one sentence, in your own words: how are you doing?"),
    "narrative_help": _("At most 1,000 characters."),
    "narrative_too_long": _(
        "Your text has %(count)s characters. Please shorten it to at most 1,000 characters."
    ),
    "physical_functioning": _("Physical functioning"),
    "mental_wellbeing": _("Mental wellbeing"),
    "social_participation": _("Social participation"),
    "competence": _("Competence"),
    "everyday_coping": _("Coping with everyday life"),
    "motivation_values": _("Motivation and values"),
    "work_environment": _("Work and work environment"),
    "language": _("Language of this page"),
    "refused_title": _("This link does not work"),
    "refused_expired": _("The link has expired."),
    "refused_used": _("The link has already been used."),
    "refused_revoked": _("The link has been cancelled."),
    "refused_unknown": _("The link is not valid. Check that you copied all of it."),
    "refused_rate": _("There have been too many attempts. Please try again in an hour."),
    "contact": _("If you want to answer or have questions, please contact %(organisation)s."),
    "contact_unknown": _("Please contact the person who gave you the link."),
    "form_errors": _("Please check your answers: something is missing."),
}

PLAIN = {
    "feedback_title": "Kerro mielipiteesi",
    "feedback_intro": (
        "Kerro, miten palvelu meni. Vastaat nimettömänä. "
        "Nimeäsi ei tallenneta. Kukaan ei näe, kuka vastasi."
    ),
    "heard": "Kuunneltiinko sinua?",
    "understood": "Ymmärsitkö, mitä sovittiin?",
    "knows_next": "Tiedätkö, kuka auttaa sinua seuraavaksi?",
    "recommends": "Kertoisitko ystävälle, että tämä palvelu on hyvä?",
    "free_text": "Haluatko sanoa vielä jotain? Kirjoita omin sanoin.",
    "free_text_help": "Älä kirjoita nimiä. Voit kirjoittaa enintään 2 000 merkkiä.",
    "too_long": "Tekstissäsi on %(count)s merkkiä. Lyhennä se 2 000 merkkiin.",
    "yes": "Kyllä",
    "partly": "Jonkin verran",
    "no": "Ei",
    "choose_one": "Valitse yksi vastaus.",
    "send": "Lähetä",
    "thanks_title": "Kiitos!",
    "thanks_text": "Saimme vastauksesi. Voit nyt sulkea tämän sivun.",
    "self_title": "Oma arviosi työkyvystäsi",
    "self_intro": (
        "Vastauksesi tallentuvat sinun tietoihisi. "
        "Ihmiset, jotka auttavat sinua, lukevat ne ennen tapaamista."
    ),
    "score": (
        "Millainen työkykysi on nyt? "
        "0 tarkoittaa, että et pysty tekemään työtä ollenkaan. "
        "10 tarkoittaa, että työkykysi on paras mahdollinen."
    ),
    "domains_intro": (
        "Miten nämä asiat ovat nyt? 0 = tosi huonosti. 10 = tosi hyvin. "
        "Voit jättää kohdan tyhjäksi."
    ),
    "dont_know": "En osaa sanoa",
    "narrative": "Kerro omin sanoin, miten sinulla menee.",
    "narrative_help": "Voit kirjoittaa enintään 1 000 merkkiä.",
    "narrative_too_long": "Tekstissäsi on %(count)s merkkiä. Lyhennä se 1 000 merkkiin.",
    "physical_functioning": "Keho ja liikkuminen",
    "mental_wellbeing": "Mieliala ja jaksaminen",
    "social_participation": "Ihmissuhteet ja yhdessä tekeminen",
    "competence": "Mitä osaan",
    "everyday_coping": "Miten pärjään arjessa",
    "motivation_values": "Haluanko tehdä työtä, ja mikä minulle on tärkeää",
    "work_environment": "Työ ja työpaikka",
    "language": "Sivun kieli",
    "refused_title": "Linkki ei toimi",
    "refused_expired": "Linkki on vanhentunut.",
    "refused_used": "Linkkiä on jo käytetty.",
    "refused_revoked": "Linkki on peruttu.",
    "refused_unknown": "Linkki ei ole oikea. Katso, että kopioit koko linkin.",
    "refused_rate": "Yrityksiä on ollut liian monta. Yritä uudelleen tunnin päästä.",
    "contact": "Jos haluat vastata tai kysyä jotain, ota yhteyttä: %(organisation)s.",
    "contact_unknown": "Ota yhteyttä ihmiseen, joka antoi sinulle linkin.",
    "form_errors": "Katso vastauksesi. Jotain puuttuu.",
}


def language_of(variant: str) -> str:
    """The Django language a variant renders in (plain Finnish is Finnish)."""
    return "fi" if variant == PLAIN_FINNISH else variant


def texts_for(variant: str) -> dict[str, str]:
    """Every text of the client's pages in `variant`, as plain strings."""
    if variant == PLAIN_FINNISH:
        return dict(PLAIN)
    with translation.override(variant):
        return {key: str(text) for key, text in TEXTS.items()}
