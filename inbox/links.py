"""Where an item leads, found once when it is written (the list reads the stored url)."""

from collections.abc import Callable

from django.db import models
from django.urls import NoReverseMatch, reverse


def _consultation(target) -> str:
    return reverse("consultation_detail", args=[target.uuid])


def _network(target) -> str:
    return reverse("networks:network_detail", args=[target.uuid])


def _in_network(target) -> str:
    return reverse("networks:network_detail", args=[target.network.uuid])


def _meeting(target) -> str:
    return reverse("networks:meeting_detail", args=[target.uuid])


def _plan(target) -> str:
    return reverse("serviceplans:plan_detail", args=[target.uuid])


def _in_plan(target) -> str:
    return reverse("serviceplans:plan_detail", args=[target.plan.uuid])


def _client_of(target) -> str:
    return reverse("clients:client_detail", args=[target.client.uuid])


def _referral(target) -> str:
    return reverse("coaching:referral_detail", args=[target.uuid])


def _in_referral(target) -> str:
    return reverse("coaching:referral_detail", args=[target.referral.uuid])


LINKS: dict[str, Callable[[models.Model], str]] = {
    "coordination.consultationrequest": _consultation,
    "networks.clientnetwork": _network,
    "networks.networkmember": _in_network,
    "networks.networkmeeting": _meeting,
    "serviceplans.serviceplan": _plan,
    "serviceplans.planaction": _in_plan,
    "serviceplans.planreview": _in_plan,
    "clients.consent": _client_of,
    "coaching.referral": _referral,
    "coaching.jobstart": _in_referral,
}


def url_for(target: models.Model) -> str:
    """The page of `target`, or its `get_absolute_url()`, or "" (the item then opens
    the inbox itself)."""
    link = LINKS.get(target._meta.label_lower)
    try:
        if link is not None:
            return link(target)
        if hasattr(target, "get_absolute_url"):
            return str(target.get_absolute_url())
    except (NoReverseMatch, AttributeError):
        pass
    return ""
