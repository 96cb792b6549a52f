"""One submission, one effect: a POST that carries an idempotency key (the hidden field
every rendered form has, or an API client's `Idempotency-Key` header) is claimed before
its view runs and answered from the stored first result when it comes again.

- the first request claims the key (a row, committed at once) and its response is kept;
- a repeat by the same owner on the same path gets that response back, not a second create;
- a repeat while the first still runs gets 409: the claim is a unique row, so two
  concurrent requests cannot both pass;
- a first request that ends in a server error gives the key up, so a retry runs again
  (nothing was kept that could be replayed, and the person was told to try again); so
  does a page that re-renders its form with errors.

A POST without a key, or by nobody (the login form), passes through unchanged.
"""

import hashlib
import re

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from idempotency.models import KEY_LIFETIME, IdempotencyKey

FIELD_NAME = "idempotency_key"
HEADER = "HTTP_IDEMPOTENCY_KEY"
# gunicorn ends a request after 30 s: a claim still running after this was abandoned by a
# killed process, and the next repeat may take it over.
RUNNING_LEASE = KEY_LIFETIME / 720  # two minutes
# A response larger than this is not kept (the key is then given up after the request).
MAX_STORED_BODY = 512 * 1024
# Keep responses a repeat should see again; not throttling, conflicts or timeouts, which
# a retry may get past.
_NOT_KEPT = {408, 409, 423, 429}
_KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,100}")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _owner(request) -> str | None:
    authorization = request.META.get("HTTP_AUTHORIZATION")
    if authorization:
        return "credential:" + hashlib.sha256(authorization.encode()).hexdigest()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def _fingerprint(request, from_form: bool) -> str:
    digest = hashlib.sha256()
    if from_form:
        # Form fields, not the raw body: a multipart body is consumed by request.POST.
        for name in sorted(request.POST):
            if name not in (FIELD_NAME, "csrfmiddlewaretoken"):
                digest.update(f"{name}={request.POST.getlist(name)!r}\n".encode())
        for name in sorted(request.FILES):
            upload = request.FILES[name]
            digest.update(f"{name}:{upload.name}:{upload.size}\n".encode())
    else:
        digest.update(request.body)
    return digest.hexdigest()


def claim(owner: str, path: str, key: str, fingerprint: str):
    """(claimed row, None) when this request may run; (None, existing row) when another
    request with the key finished or is still running."""
    now = timezone.now()
    # The owner's expired keys go here, one cheap indexed delete per submission, so that no
    # periodic job is needed to keep the table small (`clear_idempotency_keys` also does it).
    IdempotencyKey.objects.filter(owner=owner, expires_at__lte=now).delete()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(
                    owner=owner,
                    path=path,
                    key=key,
                    fingerprint=fingerprint,
                    created_at=now,
                    expires_at=now + KEY_LIFETIME,
                )
            return row, None
        except IntegrityError:
            existing = IdempotencyKey.objects.filter(owner=owner, path=path, key=key).first()
            if existing is None:
                continue  # the first request gave the key up in between: claim it again
            abandoned = (
                existing.state == IdempotencyKey.State.RUNNING
                and existing.created_at < now - RUNNING_LEASE
            )
            if abandoned and IdempotencyKey.objects.filter(
                pk=existing.pk, state=IdempotencyKey.State.RUNNING, created_at=existing.created_at
            ).update(created_at=now, fingerprint=fingerprint):
                existing.created_at, existing.fingerprint = now, fingerprint
                return existing, None
            return None, existing
    return None, None


def finish(row: IdempotencyKey, response, *, api: bool) -> None:
    """Keep what a repeat should see again. A page keeps only its redirect (the outcome of
    a POST that did something): a form re-rendered with its errors did nothing, so the
    corrected form may be sent with the same key, and no page of client data is stored."""
    keep = (
        (api or 300 <= response.status_code < 400)
        and not response.streaming
        and response.status_code < 500
        and response.status_code not in _NOT_KEPT
        and len(response.content) <= MAX_STORED_BODY
    )
    if not keep:
        IdempotencyKey.objects.filter(pk=row.pk).delete()
        return
    IdempotencyKey.objects.filter(pk=row.pk).update(
        state=IdempotencyKey.State.DONE,
        status_code=response.status_code,
        content_type=response.get("Content-Type", ""),
        location=response.get("Location", ""),
        body=response.content,
    )


def replay(row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(
        bytes(row.body), status=row.status_code, content_type=row.content_type or None
    )
    if row.location:
        response["Location"] = row.location
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    """After authentication, CSRF and messages: a repeat is answered only to the person
    (or credential) who sent the first, and only once CSRF has accepted it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        row = getattr(request, "_idempotency_claim", None)
        if row is not None:
            finish(row, response, api=request._idempotency_api)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        api = HEADER in request.META
        if api:
            key = request.META[HEADER]
        elif request.content_type in _FORM_TYPES:
            key = request.POST.get(FIELD_NAME)
        else:
            key = None
        owner = _owner(request) if key else None
        if owner is None:
            return None
        if not _KEY_PATTERN.fullmatch(key):
            return self._refuse(
                request,
                api,
                400,
                _("The Idempotency-Key must be 1–100 visible ASCII characters."),
            )
        # A form body (a page's, or an API upload's) is read through request.POST: the
        # middleware before has parsed it, and the raw body is gone.
        fingerprint = _fingerprint(request, from_form=request.content_type in _FORM_TYPES)
        row, existing = claim(owner, request.path, key, fingerprint)
        if row is not None:
            request._idempotency_claim, request._idempotency_api = row, api
            return None
        if existing is None or existing.state == IdempotencyKey.State.RUNNING:
            return self._refuse(
                request,
                api,
                409,
                _(
                    "This was already sent and is still being processed. Wait a moment "
                    "and reload the page to see the result."
                ),
            )
        if api and existing.fingerprint != fingerprint:
            return self._refuse(
                request,
                api,
                422,
                _("This Idempotency-Key was already used with a different request."),
            )
        if not api and 300 <= existing.status_code < 400:
            messages.info(
                request,
                _(
                    "This form had already been sent, so it was not sent again. Here is "
                    "the result of the first sending."
                ),
            )
        return replay(existing)

    def _refuse(self, request, api: bool, status: int, message: str):
        if api:
            return JsonResponse({"detail": message}, status=status)
        title = _("Form already sent") if status == 409 else _("Request refused")
        return render(
            request,
            "idempotency/refused.html",
            {"title": title, "message": message},
            status=status,
        )
