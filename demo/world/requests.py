"""The hub's queue today: requests from every sending organisation in every state – new
ones waiting (one urgent), triaged, answered and waiting for feedback, answered with
feedback, closed with an outcome, one withdrawn. The two that became networks are made
in `demo.world.networks`."""

from dataclasses import dataclass

from django.utils.timezone import localdate

from clients.models import Consent
from common.workdays import working_days_between
from coordination import services as consultations
from coordination.models import ConsultationMessage, ConsultationRequest, User
from demo.world.clock import backdate_request, moment
from demo.world.people import client_data

Reason = ConsultationRequest.Reason
Asked = ConsultationRequest.Asked
Outcome = ConsultationRequest.Outcome
URGENT = ConsultationRequest.Urgency.URGENT
NORMAL = ConsultationRequest.Urgency.NORMAL

ADVICE = (
    "Ehdotan työkyvyn arviointia terveysasemalla ja sen jälkeen yhteistä tapaamista "
    "asiakkaan kanssa. Kelan ammatillisen kuntoutuksen mahdollisuudet kannattaa selvittää."
)


@dataclass(frozen=True)
class Spec:
    requester: str
    days_ago: int
    state: str  # submitted, more_info, triaged, answered, network_needed, closed, withdrawn
    description: str
    reasons: tuple[str, ...] = (Reason.WORK_ABILITY_UNCLEAR,)
    asked: tuple[str, ...] = (Asked.CONSULTATION,)
    client: str = ""  # a key of people.CLIENTS; empty: anonymous
    urgency: str = NORMAL
    outcome: str = Outcome.ADVICE_GIVEN
    feedback: int = 0  # usefulness 1–5 given by the requester; 0: none yet


TODAY = [
    Spec("kela", 0, "submitted",
         "Sairauspäiväraha päättyy kahden viikon päästä eikä jatkosta ole suunnitelmaa. "
         "Asiakas on uupunut ja pyytää apua kiireellisesti.",
         (Reason.MENTAL_HEALTH, Reason.WORK_ABILITY_UNCLEAR), (Asked.CONSULTATION, Asked.NETWORK),
         client="urgent", urgency=URGENT),
    Spec("ammattilainen", 1, "submitted",
         "Pitkään jatkuneet selkäkivut, työkyky epäselvä. Mitä palveluja kannattaisi hakea?",
         (Reason.PHYSICAL_HEALTH,)),
    Spec("tyollisyys", 2, "submitted",
         "Työtön työnhakija, jolla on toistuvia poissaoloja palveluista. Tarvitaanko "
         "terveystarkastus?", (Reason.LONG_UNEMPLOYMENT,), (Asked.HEALTH_CHECK,)),
    Spec("jarjesto", 3, "submitted",
         "Vertaisryhmän jäsen toivoo tukea työelämään palaamiseen mielenterveyskuntoutuksen "
         "jälkeen.", (Reason.MENTAL_HEALTH,), (Asked.JOB_COACHING,)),
    Spec("sosiaalityo", 6, "submitted",
         "Velkatilanne ja asunnottomuuden uhka, työkyky epäselvä. Kenen vastuulla arviointi on?",
         (Reason.FINANCES, Reason.SOCIAL_SITUATION)),
    Spec("ammattilainen", 4, "triaged",
         "Nuori aikuinen, keskeytynyt ammatillinen koulutus ja masennusoireita.",
         (Reason.EDUCATION, Reason.MENTAL_HEALTH), client="triaged"),
    Spec("tyollisyys", 5, "triaged",
         "Asiakkaan kuntoutustarve on epäselvä: kuntouttava työtoiminta vai ammatillinen "
         "kuntoutus?", (Reason.REHABILITATION,)),
    Spec("sosiaalityo", 8, "answered",
         "Asiakas haluaa töihin, mutta päihteiden käyttö on aiemmin katkaissut työsuhteet.",
         (Reason.SUBSTANCE_USE,), (Asked.JOB_COACHING,), client="answered"),
    Spec("kela", 9, "answered", "Kuntoutustuen jälkeinen tilanne, työkyvyn arvio puuttuu.",
         (Reason.REHABILITATION,), feedback=4),
    Spec("jarjesto", 12, "answered", "Vapaaehtoistyöstä palkkatyöhön: mistä aloittaa?",
         (Reason.LONG_UNEMPLOYMENT,), feedback=5),
    Spec("tyollisyys", 10, "network_needed",
         "Useita toimijoita, kukaan ei koordinoi. Asiakas toivoo yhteistä tapaamista.",
         (Reason.WORK_ABILITY_UNCLEAR,), (Asked.NETWORK,), client="needs_network"),
    Spec("ammattilainen", 15, "closed", "Työkyvyn arviointi ja jatkopolku.", feedback=4),
    Spec("kela", 18, "closed", "Ammatillisen kuntoutuksen edellytykset.",
         (Reason.REHABILITATION,), outcome=Outcome.REFERRED, feedback=5),
    Spec("sosiaalityo", 20, "closed", "Terveystarkastus työttömälle.",
         (Reason.LONG_UNEMPLOYMENT,), (Asked.HEALTH_CHECK,), outcome=Outcome.HEALTH_CHECK),
    Spec("jarjesto", 22, "closed", "Kysymys kuntouttavasta työtoiminnasta.",
         outcome=Outcome.NO_ACTION, feedback=4),
    Spec("tyollisyys", 25, "closed", "Tuetun työllistymisen mahdollisuus.",
         (Reason.LONG_UNEMPLOYMENT,), (Asked.JOB_COACHING,), outcome=Outcome.JOB_COACHING,
         feedback=5),
    Spec("ammattilainen", 7, "withdrawn", "Lähetetty vahingossa kahdesti."),
    Spec("tyollisyys", 4, "more_info",
         "Asiakas haluaisi kokeilla työtä, mutta terveydentila on epäselvä. Voiko hän "
         "aloittaa työkokeilun, vai tarvitaanko ensin arvio?", (Reason.WORK_ABILITY_UNCLEAR,),
         (Asked.CONSULTATION,)),
    Spec("kela", 14, "closed", "Sairauspäivärahan enimmäisaika täyttymässä.",
         (Reason.PHYSICAL_HEALTH,), feedback=4),
]  # fmt: skip


def send(spec: Spec, users: dict[str, User]) -> ConsultationRequest:
    """The request as its requester sends it, with the client's consent when identified."""
    identified = bool(spec.client)
    return consultations.submit_consultation(
        requester=users[spec.requester],
        anonymous=not identified,
        reasons=list(spec.reasons),
        asked=list(spec.asked),
        description=spec.description,
        urgency=spec.urgency,
        age_band="" if identified else ConsultationRequest.AgeBand.FROM_30,
        municipality="" if identified else "564",
        client_data=client_data(spec.client) if identified else None,
        consent_method=Consent.Method.WRITTEN if identified else None,
    )


def walk(request: ConsultationRequest, spec: Spec, users: dict[str, User]) -> None:
    """Move the request to the spec's state the way the hub does, one step at a time."""
    hub = users["koordinaattori"]
    if spec.state == "withdrawn":
        consultations.withdraw_consultation(
            request, by=users[spec.requester], reason="Asiakas sai avun toisesta palvelusta."
        )
        return
    if spec.state == "submitted":
        return
    if spec.state == "more_info":
        converse(request, users[spec.requester], hub)
        return
    consultations.triage_consultation(request, by=hub)
    if spec.state == "network_needed":
        consultations.mark_network_needed(request, by=hub)
        return
    if spec.state == "triaged":
        return
    consultations.answer_consultation(
        request, by=hub, advice=ADVICE, next_step="Sovitaan puhelinaika ensi viikolle."
    )
    if spec.feedback:
        consultations.give_feedback(
            request, by=users[spec.requester], usefulness=spec.feedback, text="Kiitos, selkeä."
        )
    if spec.state == "closed":
        consultations.close_consultation(request, by=hub, outcome=spec.outcome)


# The hub's question, the requester's reply and a second question still waiting.
CONVERSATION = (
    "Onko asiakkaalla voimassa oleva sairauspäiväraha tai lääkärinlausunto? Entä onko "
    "hän ilmoittautunut työnhakijaksi?",
    "Sairauspäiväraha päättyi kuukausi sitten, lausuntoa ei ole. Työnhakijana hän on.",
    "Kiitos. Voisitko vielä kysyä asiakkaalta, saako työterveyshuollon tai "
    "terveysaseman lääkäriin olla yhteydessä?",
)


def converse(request: ConsultationRequest, requester: User, hub: User) -> None:
    """The hub asks for more information, the requester replies, the hub asks again: the
    request waits for the requester."""
    first, reply, second = CONVERSATION
    consultations.ask_for_more_information(request, by=hub, text=first)
    consultations.reply_to_consultation(request, by=requester, text=reply)
    consultations.ask_for_more_information(request, by=hub, text=second)


def backdate_conversation(request: ConsultationRequest, days_ago: int) -> None:
    """The thread's messages one working day apart after the request was sent, and the
    waits for the requester counted from those days."""
    messages = list(request.messages.order_by("sent_at", "pk"))
    if not messages:
        return
    stamps = [
        moment(max(days_ago - 1 - index // 2, 0), 10 + 3 * (index % 2))
        for index in range(len(messages))
    ]
    for message, at in zip(messages, stamps, strict=True):
        ConsultationMessage.objects.filter(pk=message.pk).update(sent_at=at)
    waited = sum(
        working_days_between(localdate(stamps[i]), localdate(stamps[i + 1]))
        for i in range(0, len(stamps) - 1, 2)
    )
    ConsultationRequest.objects.filter(pk=request.pk).update(
        requester_waiting_days=waited, waiting_for_requester_since=stamps[-1]
    )


def make_request(spec: Spec, users: dict[str, User], hour: int = 9) -> ConsultationRequest:
    request = send(spec, users)
    walk(request, spec, users)
    backdate_request(request, moment(spec.days_ago, hour))
    if spec.state == "more_info":
        backdate_conversation(request, spec.days_ago)
    return request


def seed_requests(users: dict[str, User]) -> int:
    for index, spec in enumerate(TODAY):
        make_request(spec, users, hour=8 + index % 7)
    return len(TODAY)
