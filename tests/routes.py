"""The routes of the project, found by walking Django's URL resolver: the access matrix
and the accessibility checks test every route they find, so that no route is listed by
hand and a new one is covered the day it is added."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Routes that are not pages of the service: Django's admin has its own tests upstream,
# the API is walked through its schema, the rest are endpoints without a page.
NOT_PAGES = ("admin/", "api/", "healthz", "readyz", "_errors/", "static/")


@dataclass(frozen=True)
class Route:
    pattern: str  # e.g. "consultations/<uuid:consultation_id>/"
    name: str | None
    converters: tuple[str, ...]  # the names of its URL arguments

    @property
    def takes_object_id(self) -> bool:
        return bool(self.converters)

    def url(self, **kwargs) -> str:
        path = self.pattern
        for name in self.converters:
            start = path.index("<")
            end = path.index(">", start)
            path = path[:start] + str(kwargs[name]) + path[end + 1 :]
        return "/" + path.replace("^", "").replace("$", "")


def walk(patterns=None, prefix: str = "") -> list[Route]:
    patterns = get_resolver().url_patterns if patterns is None else patterns
    routes = []
    for entry in patterns:
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            routes.extend(walk(entry.url_patterns, text))
        elif isinstance(entry, URLPattern):
            converters = tuple(getattr(entry.pattern, "converters", ()))
            routes.append(Route(text, entry.name, converters))
    return routes


def page_routes() -> list[Route]:
    return [route for route in walk() if not route.pattern.startswith(NOT_PAGES)]
