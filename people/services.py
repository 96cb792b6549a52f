"""What administrators do to people and organisations: every write, each one transaction
with its change record (who, when, before, after) and, where the person must know, an
e-mail through the outbox."""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import devices_for_user

from common.errors import InvalidTransition
from coordination.models import Organization, SecurityEvent, User
from coordination.security import record_security_event, record_user_rights_change, user_rights
from coordination.sessions import end_all_sessions
from outbox import services as outbox
from people import access
from people.models import ChangeRecord, Invitation, hash_token

INVITATION_DAYS = 7

# What the change records keep of a person and of an organisation.
PERSON_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "organization",
    "role",
    "is_org_admin",
    "title",
    "phone",
    "language",
    "is_active",
)
ORGANIZATION_FIELDS = ("name", "kind", "parent", "municipality", "is_hub", "active")


def _value(obj, field: str):
    value = getattr(obj, field)
    if hasattr(value, "pk"):
        return str(value)
    return value


def snapshot(obj, fields) -> dict:
    return {field: _value(obj, field) for field in fields}


def record_change(action: str, *, actor, person=None, organization=None, before=None, after=None):
    """One change record; for a change, only the fields that changed."""
    before, after = dict(before or {}), dict(after or {})
    if before and after:
        changed = {field for field in after if before.get(field) != after.get(field)}
        before = {field: before[field] for field in changed if field in before}
        after = {field: after[field] for field in changed}
    return ChangeRecord.objects.create(
        action=action,
        actor=actor,
        person=person,
        organization=organization,
        before=before,
        after=after,
    )


def _link(path: str) -> str:
    # SITE_URL, never the request's Host header (a forged Host would carry the token away).
    return settings.SITE_URL.rstrip("/") + path


def _email(key: str, user: User, template: str, context: dict) -> None:
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}.txt", context)
    outbox.queue_message(key=key, to=user.email, subject=subject, body=body, language=language)


# --- Checks shared by the invitation and the change -------------------------------------


def _role_errors(by: User, *, role: str, organization: Organization | None, is_org_admin: bool):
    errors: dict[str, list] = {}
    if role not in User.Role.values:
        errors["role"] = [_("Choose the role from the list.")]
    elif not access.may_grant(by, role):
        errors["role"] = [_("You cannot give a role above your own.")]
    if is_org_admin and not access.can_manage_people(by):
        errors["is_org_admin"] = [_("You cannot make administrators.")]
    if organization is None:
        errors["organization"] = [_("Choose the organisation.")]
    elif not access.organizations_managed_by(by).filter(pk=organization.pk).exists():
        errors["organization"] = [_("You can only add people to your own organisation.")]
    elif not organization.active:
        errors["organization"] = [_("This organisation is no longer active.")]
    return errors


# --- Invitations --------------------------------------------------------------------------


@transaction.atomic
def invite_person(
    *,
    by: User,
    email: str,
    first_name: str,
    last_name: str,
    organization: Organization | None,
    role: str,
    is_org_admin: bool = False,
    title: str = "",
    language: str = "",
) -> tuple[Invitation, str]:
    """Make the person's account (inactive, no password) and a one-time link to open it,
    e-mailed through the outbox. Returns the invitation and its token (kept only hashed)."""
    email = (email or "").strip().lower()
    errors = _role_errors(by, role=role, organization=organization, is_org_admin=is_org_admin)
    if not email:
        errors["email"] = [_("Give the e-mail address.")]
    elif User.objects.filter(email__iexact=email).exists() or (
        User.objects.filter(username__iexact=email).exists()
    ):
        errors["email"] = [_("Someone with this e-mail address already has an account.")]
    if not (first_name or "").strip():
        errors["first_name"] = [_("Give the first name.")]
    if not (last_name or "").strip():
        errors["last_name"] = [_("Give the last name.")]
    if errors:
        raise ValidationError(errors)
    user = User(
        username=email,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        organization=organization,
        role=role,
        is_org_admin=is_org_admin,
        title=(title or "").strip(),
        language=language or settings.LANGUAGE_CODE,
        is_active=False,
    )
    user.set_unusable_password()
    user.save()
    invitation, token = _new_invitation(user, by=by)
    record_change(
        ChangeRecord.Action.INVITED,
        actor=by,
        person=user,
        after=snapshot(user, PERSON_FIELDS),
    )
    record_user_rights_change(user, None, actor=by)
    return invitation, token


def _new_invitation(user: User, *, by: User) -> tuple[Invitation, str]:
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    # An earlier link stops working when a new one is sent.
    Invitation.objects.filter(
        user=user, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=now)
    invitation = Invitation.objects.create(
        user=user,
        invited_by=by,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
    )
    context = {
        "recipient": user,
        "inviter": by,
        "organization": user.organization,
        "role": user.get_role_display(),
        "link": _link(reverse("people:invitation_open", args=[token])),
        "days": INVITATION_DAYS,
    }
    _email(f"invitation:{invitation.uuid}", user, "invitation", context)
    return invitation, token


@transaction.atomic
def resend_invitation(person: User, *, by: User) -> tuple[Invitation, str]:
    if person.is_active or person.has_usable_password():
        raise InvalidTransition(gettext_lazy("This person has already opened their account."))
    return _new_invitation(person, by=by)


class InvitationUnusable(Exception):
    """The link is unknown, used, withdrawn or expired: the page says so and no more."""


def usable_invitation(token: str, *, lock: bool = False) -> Invitation:
    queryset = Invitation.objects.select_related("user", "user__organization")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    invitation = queryset.filter(token_hash=hash_token(token or "")).first()
    if invitation is None or not invitation.is_usable:
        raise InvitationUnusable
    return invitation


@transaction.atomic
def accept_invitation(token: str, *, password: str) -> User:
    """Set the password (Django's validators, the common-password list among them) and
    open the account. The row is locked: the same link used twice at once opens once."""
    invitation = usable_invitation(token, lock=True)
    user = invitation.user
    validate_password(password, user)
    before = snapshot(user, PERSON_FIELDS)
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record_change(
        ChangeRecord.Action.INVITATION_ACCEPTED,
        actor=user,
        person=user,
        before=before,
        after=snapshot(user, PERSON_FIELDS),
    )
    record_security_event(SecurityEvent.Kind.PASSWORD_CHANGED, user=user, actor=user)
    return user


# --- Changes to a person ------------------------------------------------------------------


def _locked_person(person: User) -> User:
    return (
        User.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=person.pk)
    )


def _other_active_administrators(person: User):
    return User.objects.filter(role=User.Role.ADMINISTRATOR, is_active=True).exclude(pk=person.pk)


@transaction.atomic
def change_person(
    person: User,
    *,
    by: User,
    organization: Organization | None,
    role: str,
    is_org_admin: bool,
    title: str = "",
    phone: str = "",
    language: str = "",
) -> User:
    """Change a person's organisation, role and details."""
    person = _locked_person(person)
    errors = _role_errors(by, role=role, organization=organization, is_org_admin=is_org_admin)
    if person.pk == by.pk and (
        role != person.role
        or is_org_admin != person.is_org_admin
        or organization != person.organization
    ):
        errors.setdefault("role", []).append(
            _("You cannot change your own role or organisation; ask another administrator.")
        )
    if not access.may_grant(by, person.role):
        errors.setdefault("role", []).append(_("This person's role is above your own."))
    if (
        person.role == User.Role.ADMINISTRATOR
        and role != User.Role.ADMINISTRATOR
        and person.is_active
        and not _other_active_administrators(person).exists()
    ):
        errors.setdefault("role", []).append(_("The service must keep one administrator."))
    if errors:
        raise ValidationError(errors)
    before, rights = snapshot(person, PERSON_FIELDS), user_rights(person)
    person.organization = organization
    person.role = role
    person.is_org_admin = is_org_admin
    person.title = (title or "").strip()
    person.phone = (phone or "").strip()
    person.language = language or person.language
    person.save(
        update_fields=["organization", "role", "is_org_admin", "title", "phone", "language"]
    )
    after = snapshot(person, PERSON_FIELDS)
    if before != after:
        record_change(
            ChangeRecord.Action.CHANGED, actor=by, person=person, before=before, after=after
        )
        record_user_rights_change(person, rights, actor=by)
    return person


def deactivation_errors(person: User, *, by: User) -> list[str]:
    """Why `by` may not deactivate `person`, if they may not."""
    errors = []
    if person.pk == by.pk:
        errors.append(_("You cannot deactivate yourself; ask another administrator."))
    if not access.may_grant(by, person.role):
        errors.append(_("This person's role is above your own."))
    if (
        person.role == User.Role.ADMINISTRATOR
        and person.is_active
        and not _other_active_administrators(person).exists()
    ):
        errors.append(_("This is the last administrator: the service must keep one."))
    return errors


def deactivate_person(person: User, *, by: User) -> User:
    """Close the account: the person can no longer log in, their sessions end (the
    User receiver in coordination.sessions). Work they still hold must be handed over
    first (people.handover.hand_over_and_deactivate does both in one transaction)."""
    from people.handover import work_of  # noqa: PLC0415 (handover imports this module)

    with transaction.atomic():
        person = _locked_person(person)
        if not person.is_active:
            return person
        errors = deactivation_errors(person, by=by)
        if errors:
            raise InvalidTransition(" ".join(errors))
        if work_of(person).count:
            raise InvalidTransition(
                gettext_lazy("This person still holds work: hand it over to a colleague first.")
            )
        return _deactivate(person, by=by)


def _deactivate(person: User, *, by: User) -> User:
    before, rights = snapshot(person, PERSON_FIELDS), user_rights(person)
    person.is_active = False
    person.save(update_fields=["is_active"])
    Invitation.objects.filter(
        user=person, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    record_change(
        ChangeRecord.Action.DEACTIVATED,
        actor=by,
        person=person,
        before=before,
        after=snapshot(person, PERSON_FIELDS),
    )
    record_user_rights_change(person, rights, actor=by)
    return person


@transaction.atomic
def reactivate_person(person: User, *, by: User) -> User:
    person = _locked_person(person)
    if person.is_active:
        return person
    if not access.may_grant(by, person.role):
        raise InvalidTransition(gettext_lazy("This person's role is above your own."))
    if not person.has_usable_password():
        raise InvalidTransition(
            gettext_lazy("This person has not opened their account yet: send the invitation again.")
        )
    before, rights = snapshot(person, PERSON_FIELDS), user_rights(person)
    person.is_active = True
    person.save(update_fields=["is_active"])
    record_change(
        ChangeRecord.Action.REACTIVATED,
        actor=by,
        person=person,
        before=before,
        after=snapshot(person, PERSON_FIELDS),
    )
    record_user_rights_change(person, rights, actor=by)
    return person


@transaction.atomic
def reset_second_factor(person: User, *, by: User) -> User:
    """Remove the person's authenticator and recovery codes (a lost phone): at their next
    login they set up a new one. They are told by e-mail, and their sessions end."""
    person = _locked_person(person)
    if person.pk == by.pk:
        raise InvalidTransition(gettext_lazy("Reset your own second factor on your account page."))
    if not access.may_grant(by, person.role):
        raise InvalidTransition(gettext_lazy("This person's role is above your own."))
    devices = list(devices_for_user(person, confirmed=None))
    for device in devices:
        device.delete()
    record_change(
        ChangeRecord.Action.SECOND_FACTOR_RESET,
        actor=by,
        person=person,
        before={"second_factor": bool(devices)},
        after={"second_factor": False},
    )
    event = record_security_event(SecurityEvent.Kind.SECOND_FACTOR_REMOVED, user=person, actor=by)
    end_all_sessions(person)
    if person.email:
        context = {"recipient": person, "at": timezone.localtime(event.at), "link": _link("/")}
        _email(f"security-event:{event.pk}", person, "second_factor_reset", context)
    return person


# --- Organisations ------------------------------------------------------------------------


def _parent_errors(organization: Organization, parent: Organization | None) -> dict:
    seen = set()
    node = parent
    while node is not None:
        if node.pk == organization.pk or node.pk in seen:
            return {"parent": [_("An organisation cannot be its own parent or unit.")]}
        seen.add(node.pk)
        node = node.parent
    return {}


@transaction.atomic
def save_organization(organization: Organization, *, by: User) -> Organization:
    """Create or change an organisation (a form has set its fields)."""
    if not access.can_edit_organizations(by):
        raise InvalidTransition(gettext_lazy("Only an administrator changes organisations."))
    errors = _parent_errors(organization, organization.parent) if organization.pk else {}
    if errors:
        raise ValidationError(errors)
    organization.full_clean()
    if organization.pk is None:
        organization.save()
        record_change(
            ChangeRecord.Action.ORGANIZATION_CREATED,
            actor=by,
            organization=organization,
            after=snapshot(organization, ORGANIZATION_FIELDS),
        )
        return organization
    saved = (
        Organization.objects.select_for_update(of=("self",))
        .select_related("parent")
        .get(pk=organization.pk)
    )
    before = snapshot(saved, ORGANIZATION_FIELDS)
    organization.save()
    after = snapshot(organization, ORGANIZATION_FIELDS)
    if before != after:
        record_change(
            ChangeRecord.Action.ORGANIZATION_CHANGED,
            actor=by,
            organization=organization,
            before=before,
            after=after,
        )
    return organization
