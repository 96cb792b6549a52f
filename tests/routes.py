"""The routes of the project, found by walking Django's URL resolver: the access matrix
and the accessibility checks test every route they find, so that no route is listed by
hand and a new one is covered the day it is added."""

import re
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

# Routes that are not pages of the service: Django's admin has its own tests upstream,
# the API is walked through its schema, the rest are endpoints without a page.
NOT_PAGES = ("admin/", "api/", "healthz", "readyz", "workerz", "_errors/", "static/")

# `<uuid:client_id>` (path()) and `(?P<id>[^/.]+)` (re_path(), DRF's router).
_CONVERTER = re.compile(r"<(?:[^>:]+:)?(?P<name>\w+)>")
_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    pattern: str  # e.g. "consultations/<uuid:consultation_id>/"
    name: str | None
    converters: tuple[str, ...]  # the names of its URL arguments
    namespace: str = ""  # e.g. "clients" for "clients:client_detail"
    callback: object = field(default=None, compare=False, repr=False)

    @property
    def takes_object_id(self) -> bool:
        return bool(self.converters)

    @property
    def qualified_name(self) -> str | None:
        if self.name is None:
            return None
        return f"{self.namespace}:{self.name}" if self.namespace else self.name

    def url(self, **kwargs) -> str:
        path = _GROUP.sub(lambda match: str(kwargs[match["name"]]), self.pattern)
        path = _CONVERTER.sub(lambda match: str(kwargs[match["name"]]), path)
        path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "")
        return "/" + path


def _arguments(pattern) -> tuple[str, ...]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return tuple(converters)
    regex = getattr(pattern, "regex", None)
    if regex is not None and regex.groupindex:
        return tuple(sorted(regex.groupindex, key=regex.groupindex.get))
    return ()


def walk(patterns=None, prefix: str = "", namespace: str = "") -> list[Route]:
    patterns = get_resolver().url_patterns if patterns is None else patterns
    routes = []
    for entry in patterns:
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            routes.extend(walk(entry.url_patterns, text, inner))
        elif isinstance(entry, URLPattern):
            converters = _arguments(entry.pattern)
            routes.append(Route(text, entry.name, converters, namespace, entry.callback))
    return routes


def page_routes() -> list[Route]:
    return [route for route in walk() if not route.pattern.startswith(NOT_PAGES)]
