"""The generated IDOR matrix.

Walks Django's URL resolver – the pages and the DRF router's API alike – and finds every
route whose URL carries an object id. No route is listed by hand: each one is a test of
its own (the test id is the route's name), asked for every object of the world
(tests/idor.py) by each persona: alice (a professional, member of network A), olli (a
professional of another organisation, a member of nothing), kaisa (the hub's coordinator),
eero (manager), ylva (administrator), lauri (a professional who has left network A), tuula
(a job coach, coaching network A's client) and an anonymous visitor.

For every request the expected answer comes from the access rules in `REGISTRY`
(tests/idor.py), which names, for each URL argument, the model and the app's
`<model>s_visible_to(user)` function:

- an object (or a combination of objects) the persona may not see is 404 – never 403,
  never 200; a child under a parent it does not belong to (a member of network B under
  network A's URL) is 404 as well;
- an anonymous visitor is sent to the login page (pages) or gets 401/403 (API: DRF's
  session authentication answers 403 to a missing login), whatever the object;
- an object the persona may see is never a server error. It may still be 404 or 403
  where the view narrows the rule further (only a coordinator adds members; only the
  recorder withdraws a consent): the visible set is an upper bound, not a promise. But
  every route must be reached – answered with something other than 404 – for at least one
  visible object by at least one persona, and kaisa, who may see every object of the
  hub, must reach every route on every object she may see (except where the view narrows
  the rule on purpose: `NARROWER_THAN_VISIBLE` names those, with the reason). Otherwise
  the 404s would prove nothing.

A route that takes an argument `REGISTRY` does not know fails by itself, with the route and
the argument in the message: register it as tests/idor.py's docstring says. Django's admin
(`admin/`) is left out (`EXCLUDED`): only staff get there and it checks its own model
permissions; `test_admin_object_urls_are_closed_to_non_staff` shows the door is shut.

Pages are asked with GET and with an empty POST (a route that does not take a method
answers 405 before it looks at any object; the method is then not asked again); API routes
with each method their viewset maps, with an empty JSON body. Every request runs in a
savepoint that is rolled back, so that nothing one request changes is seen by the next.
The counts are written to var/idor-matrix.json.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import include, path, reverse
from rest_framework import viewsets
from rest_framework.routers import SimpleRouter

from coordination.models import Organization
from coordination.tests.factories import OrganizationFactory
from tests.idor import FORMAT_SUFFIX, PARAMETERS, PERSONAS, REGISTRY, ROUTE_RULES, build_world
from tests.routes import Route, walk

EXCLUDED = {
    "admin/": "Django's admin: staff only, with its own model permissions "
    "(see test_admin_object_urls_are_closed_to_non_staff)",
    "account/password/reset/": "for people who cannot log in: the e-mailed link is the "
    "access (coordination/tests/test_password_reset.py)",
    "sso/": "single sign-on, for people who are not logged in yet: the argument is a "
    "configured provider, no object (coordination/tests/test_sso.py)",
    "invitation/": "for people who have no password yet: the e-mailed one-time link is the "
    "access (people/tests/test_invitations.py)",
    "c/": "the client's one-time link pages: no login, the token is the access "
    "(voice/tests/test_client_pages.py)",
}

# Routes that refuse kaisa (404/403) on some object she may see, on purpose: the view
# narrows the rule further by design. Keyed by the route's test id; the value says why.
# (Only the positive check reads this: a hidden object is 404 on these routes too.)
NARROWER_THAN_VISIBLE: dict[str, str] = {
    "page:consultation_confirmation": "the receipt is the requester's own page",
    "page:serviceplans:plan_compare": "version 1 has no earlier version to compare with",
    "page:voice:link_create_consultation": "an anonymous request has no client to give a link to",
    # coaching: a coordinator sees every referral but is no job coach; taking a waiting
    # referral into one's caseload is a job coach's act (tuula reaches both routes).
    "page:coaching:take": "only a job coach takes a referral into their caseload",
    "page:networks:meeting_minutes_print": "a meeting ahead or cancelled has no record",
    "api:coaching-referral-take": "only a job coach takes a referral into their caseload",
}


@dataclass(frozen=True)
class MatrixRoute:
    route: Route
    kind: str  # "page" or "api"
    arguments: dict[str, str]  # URL argument -> name in REGISTRY / PARAMETERS
    methods: tuple[str, ...]

    @property
    def test_id(self) -> str:
        return f"{self.kind}:{self.route.qualified_name or self.route.pattern}"

    def url(self, values: dict[str, object]) -> str:
        kwargs = {argument: values[name] for argument, name in self.arguments.items()}
        if FORMAT_SUFFIX in self.route.converters:
            kwargs[FORMAT_SUFFIX] = "json"
        return self.route.url(**kwargs)


def _api_arguments(route: Route) -> tuple[dict[str, str], tuple[str, ...]]:
    """A viewset's own lookup argument (`id`, `uuid`, `pk`) is named `<basename>_id`;
    the methods are those the router maps for this route."""
    callback = route.callback
    view = getattr(callback, "cls", None)
    arguments = {name: name for name in route.converters if name != FORMAT_SUFFIX}
    methods = ("get", "post")
    if view is not None and hasattr(callback, "actions"):
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
        basename = (getattr(callback, "initkwargs", None) or {}).get("basename")
        if lookup in arguments and basename:
            arguments[lookup] = f"{basename}_id"
        allowed = set(getattr(view, "http_method_names", ())) & set(callback.actions)
        methods = tuple(m for m in ("get", "post", "put", "patch", "delete") if m in allowed)
    return arguments, methods


def matrix_routes(patterns=None) -> list[MatrixRoute]:
    """The routes that take an object id, from the project's URL resolver (or from
    `patterns`), each once."""
    routes, seen = [], set()
    # The routes without a format suffix first, so that they are the ones kept.
    for route in sorted(walk(patterns), key=lambda r: FORMAT_SUFFIX in r.converters):
        if route.pattern.startswith(tuple(EXCLUDED)):
            continue
        if not [name for name in route.converters if name != FORMAT_SUFFIX]:
            continue
        if route.pattern.startswith("api/"):
            arguments, methods = _api_arguments(route)
            kind = "api"
        else:
            arguments = {name: name for name in route.converters}
            methods, kind = ("get", "post"), "page"
        key = (kind, route.qualified_name, tuple(sorted(arguments)))
        if key in seen:
            continue
        seen.add(key)
        routes.append(MatrixRoute(route, kind, arguments, methods))
    return routes


ROUTES = matrix_routes()


def unregistered(entry: MatrixRoute) -> list[tuple[str, str]]:
    """The route's URL arguments that have no access rule: (argument, registry name)."""
    return [
        (argument, name)
        for argument, name in entry.arguments.items()
        if name not in REGISTRY and name not in PARAMETERS
    ]


# --- The world and the counts ---------------------------------------------------------


@dataclass
class Matrix:
    world: object
    visible: dict = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    routes: dict = field(default_factory=dict)

    def user(self, persona):
        return None if persona == "anonymous" else self.world.users[persona]

    def visible_keys(self, name: str, persona: str, route: str = "") -> set:
        """The ids of the objects of argument `name` that the persona may see (on `route`,
        when it has a rule of its own in ROUTE_RULES)."""
        visible_to = ROUTE_RULES.get(route, {}).get(name)
        key = (name, persona, route if visible_to else "")
        if key not in self.visible:
            visible_to = visible_to or REGISTRY[name].visible_to
            user = self.user(persona)
            if user is None:
                from django.contrib.auth.models import AnonymousUser

                user = AnonymousUser()
            self.visible[key] = set(visible_to(user).values_list("pk", flat=True))
        return self.visible[key]


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for the whole module, in a transaction rolled back at the end."""
    media = tmp_path_factory.mktemp("idor-media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        result = Matrix(build_world())
        yield result
        transaction.set_rollback(True)
    _write_summary(result)


def _write_summary(result: Matrix) -> None:
    if not result.routes:
        return
    by_kind = Counter(entry["kind"] for entry in result.routes.values())
    requests = Counter()
    for entry in result.routes.values():
        requests[entry["kind"]] += entry["requests"]
    summary = {
        "routes": {"page": by_kind["page"], "api": by_kind["api"], "total": len(result.routes)},
        "requests": {
            "page": requests["page"],
            "api": requests["api"],
            "total": requests["page"] + requests["api"],
        },
        "outcomes": dict(result.counts),
        "personas": list(PERSONAS),
        "excluded": EXCLUDED,
        "per_route": result.routes,
    }
    path = settings.VAR_DIR / "idor-matrix.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    print(  # the closing note quotes this line
        f"\nIDOR matrix: {summary['routes']['total']} routes "
        f"({summary['routes']['page']} pages, {summary['routes']['api']} API), "
        f"{summary['requests']['total']} requests "
        f"({summary['requests']['page']} pages, {summary['requests']['api']} API) -> {path}"
    )


@pytest.fixture
def _matrix_settings(settings):
    # The second factor is asked before any view runs; it has its own tests.
    settings.TWO_FACTOR_REQUIRED = False


# --- The matrix -----------------------------------------------------------------------


def _combinations(entry: MatrixRoute):
    """Every combination of the world's objects (and parameter values) for the route's
    arguments: [(argument name -> object or value)]."""
    names = list(entry.arguments.values())
    choices = []
    for name in names:
        if name in PARAMETERS:
            choices.append(PARAMETERS[name]())
        else:
            rule = REGISTRY[name]
            choices.append(list(rule.model.objects.order_by("pk")))
    for values in itertools.product(*choices):
        yield dict(zip(names, values, strict=True))


def _allowed(matrix: Matrix, persona: str, combination: dict, route: str) -> bool:
    for name, value in combination.items():
        if name in PARAMETERS:
            continue
        rule = REGISTRY[name]
        if value.pk not in matrix.visible_keys(name, persona, route):
            return False
        if rule.parent and rule.parent[0] in combination:
            parent = combination[rule.parent[0]]
            attname = rule.model._meta.get_field(rule.parent[1]).attname
            if getattr(value, attname) != parent.pk:
                return False
    return True


def _url_values(combination: dict) -> dict:
    values = {}
    for name, value in combination.items():
        values[name] = value if name in PARAMETERS else getattr(value, REGISTRY[name].field)
    return values


def _ask(http: HttpClient, method: str, url: str, kind: str):
    """One request in a savepoint that is rolled back; an exception is returned."""
    try:
        with transaction.atomic():
            if method == "get":
                response = http.get(url)
            elif kind == "api":
                response = getattr(http, method)(url, data={}, content_type="application/json")
            else:
                response = getattr(http, method)(url, data={})
            transaction.set_rollback(True)
    except Exception as error:  # reported as a failure of the route
        return error
    return response


def _describe(persona, method, url, combination, answer) -> str:
    objects = ", ".join(
        f"{name}={value if name in PARAMETERS else type(value).__name__ + '#' + str(value.pk)}"
        for name, value in combination.items()
    )
    status = answer if isinstance(answer, Exception) else answer.status_code
    return f"{persona} {method.upper()} {url} [{objects}] -> {status!r}"


@pytest.mark.usefixtures("_matrix_settings")
@pytest.mark.parametrize("entry", ROUTES, ids=[entry.test_id for entry in ROUTES])
def test_route(entry: MatrixRoute, matrix: Matrix, db):
    unknown = unregistered(entry)
    if unknown:
        pytest.fail(
            f"{entry.test_id} ({entry.route.pattern}) takes "
            + ", ".join(f"`{argument}` (as `{name}`)" for argument, name in unknown)
            + ", which has no access rule: register it in tests/idor.py REGISTRY "
            "(model, URL field, <model>s_visible_to) – see that module's docstring."
        )

    login = reverse(settings.LOGIN_URL)
    combinations = list(_combinations(entry))
    failures, counts = [], Counter()
    reached = Counter()
    for persona in PERSONAS:
        http = HttpClient()
        user = matrix.user(persona)
        if user is not None:
            http.force_login(user)
        # 405 comes before any object is looked up (require_POST, DRF's method check): a
        # method refused once is refused for every object and not asked again (per persona).
        refused_methods = set()
        for combination in combinations:
            allowed = user is not None and _allowed(matrix, persona, combination, entry.test_id)
            url = entry.url(_url_values(combination))
            answered = False
            for method in entry.methods:
                if method in refused_methods:
                    continue
                answer = _ask(http, method, url, entry.kind)
                counts["requests"] += 1
                what = _describe(persona, method, url, combination, answer)
                if isinstance(answer, Exception):
                    failures.append(f"{what}: raised")
                    continue
                status = answer.status_code
                if status == 405:
                    counts["method not allowed (not asked again)"] += 1
                    refused_methods.add(method)
                    continue
                answered = True
                if status >= 500:
                    failures.append(f"{what}: server error")
                elif user is None:
                    ok = (
                        status in (401, 403)
                        if entry.kind == "api"
                        else status == 302 and answer["Location"].startswith(login)
                    )
                    counts["anonymous refused" if ok else "anonymous LEAK"] += 1
                    if not ok:
                        failures.append(f"{what}: anonymous must be sent to log in")
                elif not allowed:
                    counts["hidden -> 404" if status == 404 else "hidden LEAK"] += 1
                    if status != 404:
                        failures.append(f"{what}: not visible to {persona}, must be 404")
                elif status in (403, 404):
                    counts[f"visible, narrowed by the view ({status})"] += 1
                    if persona == "kaisa" and entry.test_id not in NARROWER_THAN_VISIBLE:
                        failures.append(
                            f"{what}: kaisa sees this object, the route must not refuse her"
                        )
                else:
                    counts["visible -> reached"] += 1
                    reached[persona] += 1
            if not answered:
                failures.append(
                    f"{persona} {url}: no method of {entry.methods} was accepted (all 405)"
                )
    if not reached:
        failures.append(
            f"{entry.test_id}: no persona reached the view with an object it may see – "
            "give the world an object this route opens, or check how its URL is built"
        )

    matrix.counts.update(counts)
    matrix.routes[entry.test_id] = {
        "kind": entry.kind,
        "pattern": entry.route.pattern,
        "arguments": entry.arguments,
        "methods": list(entry.methods),
        "requests": counts["requests"],
        "reached_by": dict(reached),
        "outcomes": {k: v for k, v in counts.items() if k != "requests"},
    }
    assert not failures, f"{len(failures)} wrong answers:\n" + "\n".join(failures[:40])


def test_every_argument_kind_is_in_the_world(matrix: Matrix, db):
    """The matrix proves something only if each kind of object has one that some persona
    may see and one that some persona may not."""
    logged_in = [p for p in PERSONAS if p != "anonymous"]
    for name, rule in REGISTRY.items():
        everything = set(rule.model.objects.values_list("pk", flat=True))
        assert everything, f"the world has no {rule.model.__name__} for `{name}`"
        hidden_from_someone = any(
            everything - matrix.visible_keys(name, persona) for persona in logged_in
        )
        seen_by_someone = any(matrix.visible_keys(name, persona) for persona in logged_in)
        assert hidden_from_someone, f"every {name} is visible to everyone"
        assert seen_by_someone, f"no persona may see any {name}"
        # alice, the ordinary member, must see one and miss one where she sees any.
        alice = matrix.visible_keys(name, "alice")
        if alice:
            assert everything - alice, f"alice sees every {name}"


def test_the_walk_finds_the_api_and_the_pages():
    """The walk is not vacuous: it finds object routes of both kinds, DRF's nested ones
    included, and every one of them has its arguments named."""
    kinds = Counter(entry.kind for entry in ROUTES)
    assert kinds["page"] >= 10 and kinds["api"] >= 10, kinds
    arguments = {name for entry in ROUTES for name in entry.arguments.values()}
    assert {"network_id", "member_id", "meeting_id", "plan_id", "action_id"} <= arguments
    assert not any(FORMAT_SUFFIX in entry.arguments for entry in ROUTES)


class _WidgetViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Organization.objects.none()
    lookup_field = "uuid"
    lookup_url_kwarg = "id"


def _widget_page(request, widget_id):
    raise AssertionError("never called")


def test_a_route_without_an_access_rule_fails_by_itself():
    """What happens the day someone adds a route: the walk finds it with nobody listing
    it, and an argument the registry does not know is named (the matrix test then fails
    with it); an argument it knows is checked like any other."""
    router = SimpleRouter()
    router.register("widgets", _WidgetViewSet, basename="widget")
    patterns = [
        path("widgets/<uuid:widget_id>/", _widget_page, name="widget"),
        path("gadgets/<uuid:network_id>/", _widget_page, name="gadget"),
        path("api/v1/", include(router.urls)),
    ]
    routes = {entry.test_id: entry for entry in matrix_routes(patterns)}
    assert set(routes) == {"page:widget", "page:gadget", "api:widget-detail"}
    assert unregistered(routes["page:widget"]) == [("widget_id", "widget_id")]
    assert unregistered(routes["page:gadget"]) == []
    assert unregistered(routes["api:widget-detail"]) == [("id", "widget_id")]
    assert routes["api:widget-detail"].methods == ("get",)


# --- Django's admin -------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["alice", "olli", "kaisa", "eero"], indirect=True)
def test_admin_object_urls_are_closed_to_non_staff(db, client, persona, settings):
    """The matrix leaves the admin out; non-staff personas never get past its door: an
    object's change page sends them to the admin's login, which is 404 for someone
    logged in (and the login page for a visitor), whether the object exists or not."""
    settings.TWO_FACTOR_REQUIRED = False
    secret = OrganizationFactory(name="Salainen yksikkö")
    for logged_in in (True, False):
        if logged_in:
            client.force_login(persona)
        else:
            client.logout()
        for pk in (secret.pk, 999_999):
            url = reverse("admin:coordination_organization_change", args=[pk])
            response = client.get(url, follow=True)
            assert response.redirect_chain, url
            assert response.status_code == (404 if logged_in else 200), url
            if not logged_in:
                assert response.redirect_chain[-1][0].startswith(reverse(settings.LOGIN_URL))
            assert "Salainen yksikkö" not in response.content.decode()
