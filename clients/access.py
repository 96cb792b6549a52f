"""Who sees what in the clients app: `<model>s_visible_to(user)` and `access_<model>(user, id)`
raising 404 for missing and forbidden alike. Views and the API call these; never filter by
hand."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from clients.models import AccessLog, AccessLogReview, Client, Consent


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def clients_visible_to(user) -> QuerySet[Client]:
    """A coordinator sees every client of the hub. A professional sees the clients of the
    networks they are an active member of, while the network consent covers their
    organisation. Sending a consultation request opens no client record: the requester
    sees their request as they sent it (coordination.access). Managers and administrators
    see no client."""
    if not _active(user):
        return Client.objects.none()
    if user.is_coordinator:
        return Client.objects.all()
    if user.is_professional:
        # By model name, so that clients does not import networks; leaving a network
        # ends the access at once.
        member = (
            apps.get_model("networks", "NetworkMember")
            .objects.with_consent()
            .filter(network__client=OuterRef("pk"), user=user)
        )
        return Client.objects.filter(Exists(member))
    return Client.objects.none()


def access_client(user, client_id) -> Client:
    """The client with this uuid if `user` may see it; 404 for missing and forbidden."""
    try:
        return clients_visible_to(user).get(uuid=client_id)
    except (Client.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def access_bases(user, client_ids) -> dict[int, str]:
    """On what basis `user` sees each of these clients, for the access log: a coordinator
    through the hub role, a professional through an active network membership (the only
    way a professional sees a client record)."""
    if user.is_coordinator:
        return dict.fromkeys(client_ids, AccessLog.Basis.HUB_ROLE)
    return dict.fromkeys(client_ids, AccessLog.Basis.NETWORK)


def can_record_consent(user, client: Client, scope: str | None = None) -> bool:
    """Recording a consent of any scope is the hub's: a coordinator. A professional who
    sees the client (through a network, say) may not, for a new consent would reopen what
    the client withdrew. The consultation consent that goes with a professional's own
    request is recorded with the request (`can_record_request_consent`). The page, the API
    and the service all ask this."""
    return _active(user) and user.is_coordinator


def can_record_request_consent(user) -> bool:
    """The consultation consent recorded as part of submitting a request: its sender, a
    professional or a coordinator (it opens the client to the sender through that
    request only)."""
    return _active(user) and (user.is_professional or user.is_coordinator)


def can_withdraw_consent(user, consent: Consent) -> bool:
    """A coordinator, or the professional who recorded the consent."""
    return _active(user) and (user.is_coordinator or consent.recorded_by_id == user.pk)


# --- The access-log review ------------------------------------------------


def can_review_access_log(user) -> bool:
    """Administrators (system and data-protection staff) read the access log; nobody
    else, not even coordinators, so that nobody audits their own reading."""
    return _active(user) and user.is_administrator


def access_logs_visible_to(user) -> QuerySet[AccessLog]:
    if not can_review_access_log(user):
        return AccessLog.objects.none()
    return AccessLog.objects.all()


def access_log_reviews_visible_to(user) -> QuerySet:
    if not can_review_access_log(user):
        return AccessLogReview.objects.none()
    return AccessLogReview.objects.all()


def access_report_subjects(user) -> QuerySet[Client]:
    """The clients whose access report `user` may make: an administrator any client of the
    hub, as the subject of the log (name and masked code, no content); nobody else."""
    if not can_review_access_log(user):
        return Client.objects.none()
    return Client.objects.all()


def access_report_client(user, client_id) -> Client:
    """The client of an access report; 404 for missing and for everybody who is not an
    administrator."""
    try:
        return access_report_subjects(user).get(uuid=client_id)
    except (Client.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def clients_named(user, text: str) -> QuerySet[Client]:
    """The clients `user` may see whose first or last name holds every word of `text`
    (the client search's rule, for other pages that search by a client's name)."""
    query = Q()
    for word in (text or "").split():
        query &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return clients_visible_to(user).filter(query)
