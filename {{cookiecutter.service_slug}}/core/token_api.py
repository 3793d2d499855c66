"""The short path of API requests that carry a token.

Such a request skips the middleware that serves browsers (sessions, CSRF: a browser never sends
a token on its own, messages, the sign-in lockout): the view is called directly, and the headers
those middleware would add to an API answer (Content-Security-Policy, X-Frame-Options) are
added here. What wraps this middleware (probes, metrics, request id, security headers, HTTPS
redirect) applies as to every request. Anything else, or a path that does not resolve (so
APPEND_SLASH can redirect it), takes the full stack; browser use of the API is unchanged.

Immutable answers are remembered per token: a view marks a GET answer `immutable` when its ETag
names its content for good (a revision). For API_TOKEN_LOCAL_SECONDS this process then answers
the same token's next GET of that URL itself, 304 to a matching If-None-Match, while the token's
own copy (core/token_auth.py) says it is still current and its user active. A resource deleted
by another process is seen within that time, as with the token and body caches; one deleted by
this process at once (the deleting service calls `forget_answers`).
"""

from __future__ import annotations

import binascii
from collections.abc import Callable
from dataclasses import dataclass

from csp.constants import HEADER as HEADER_CSP
from csp.constants import HEADER_REPORT_ONLY as HEADER_CSP_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils.http import parse_etags
from knox.crypto import hash_token
from knox.settings import knox_settings

from .local_cache import LocalCache
from .token_auth import local_token_user

API_PREFIX = "/api/"
IMMUTABLE = "_token_api_immutable"
AnswerKey = tuple[str, str]  # the token's digest, the URL


def immutable(response: HttpResponse) -> HttpResponse:
    """Mark a GET answer whose ETag names its content for good (see the module docstring)."""
    setattr(response, IMMUTABLE, True)
    return response


def etag_matches(if_none_match: str, etag: str) -> bool:
    tags = parse_etags(if_none_match)
    return "*" in tags or etag in tags


@dataclass(frozen=True)
class Answer:
    match: ResolverMatch
    etag: str
    headers: dict[str, tuple[str, str]]  # as a response stores them: lower name -> (name, value)
    body: bytes | None  # None: only a 304 was seen

    @classmethod
    def of(cls, match: ResolverMatch, response: HttpResponse, body: bytes | None) -> Answer:
        headers = dict(response.headers._store)
        return cls(match, response["ETag"], headers, body)

    def response(self, if_none_match: str) -> HttpResponse | None:
        if if_none_match and etag_matches(if_none_match, self.etag):
            response = HttpResponse(status=304)
        elif self.body is not None:
            response = HttpResponse(self.body)
        else:
            return None
        # The view's headers, checked when its answer was made: copied as stored, not set one
        # by one again (this is the hot path of repeated reads).
        response.headers._store.update(self.headers)
        return response


ANSWERS: LocalCache[Answer] = LocalCache(seconds=0, size=256)  # lifetime given on each put


def forget_answers() -> None:
    """Drop this process's remembered answers (deletions are rare: all of them)."""
    ANSWERS.clear()


class TokenApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefix = f"{knox_settings.AUTH_HEADER_PREFIX} ".lower()
        policies = {
            HEADER_CSP: build_policy(),
            HEADER_CSP_REPORT_ONLY: build_policy(report_only=True),
            "X-Frame-Options": getattr(settings, "X_FRAME_OPTIONS", "DENY").upper(),
        }
        self.headers = {name: value for name, value in policies.items() if value}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = self.token(request)
        if token is None:
            return self.get_response(request)
        request.get_host()  # refuses a Host not in ALLOWED_HOSTS, as CommonMiddleware would
        key = answer_key(request, token)
        if key is not None:
            answer = remembered(request, key)
            if answer is not None:
                return answer
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        request.resolver_match = match
        response = match.func(request, *match.args, **match.kwargs)
        if callable(getattr(response, "render", None)):
            response = response.render()
        for name, value in self.headers.items():
            response.setdefault(name, value)
        if key is not None:
            remember(key, match, response)
        return response  # type: ignore[no-any-return]

    def token(self, request: HttpRequest) -> str | None:
        """The token of an API request that carries one, else None."""
        if not request.path_info.startswith(API_PREFIX):
            return None
        authorization: str = request.META.get("HTTP_AUTHORIZATION", "")
        if authorization[: len(self.prefix)].lower() != self.prefix:
            return None
        return authorization[len(self.prefix) :].strip()


def answer_key(request: HttpRequest, token: str) -> AnswerKey | None:
    """What a remembered answer is filed under: the token's digest and the URL (GETs only)."""
    if request.method != "GET" or not token:
        return None
    try:
        digest = hash_token(token)
    except (TypeError, ValueError, binascii.Error):
        return None
    return digest, request.get_full_path()


def remembered(request: HttpRequest, key: AnswerKey) -> HttpResponse | None:
    answer = ANSWERS.get(key)
    if answer is None or local_token_user(key[0]) is None:
        return None
    response = answer.response(request.META.get("HTTP_IF_NONE_MATCH", ""))
    if response is not None:
        request.resolver_match = answer.match  # for the metrics' route label
    return response


def remember(key: AnswerKey, match: ResolverMatch, response: HttpResponse) -> None:
    etag = response.get("ETag")
    if not getattr(response, IMMUTABLE, False) or etag is None or response.streaming:
        return
    if response.status_code == 200:
        answer = Answer.of(match, response, response.content)
    elif response.status_code == 304:
        known = ANSWERS.get(key)
        if known is not None and known.etag == etag:
            answer = known  # confirmed by the view: kept for another lifetime, body and all
        else:
            answer = Answer.of(match, response, None)
    else:
        return
    ANSWERS.put(key, answer, settings.API_TOKEN_LOCAL_SECONDS)
