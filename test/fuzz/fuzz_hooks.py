# Schemathesis hooks for the fuzz run of test/fuzz/openapi-fuzz.test.ts, loaded through SCHEMATHESIS_HOOKS:
# - error_shape: every 4xx answer carries the API's one error shape,
#   {"error": {"code", "message", "details": [{"field"?, "message"}]}} (api/errors.ts), as JSON, and nothing else.
# - MemberApiKey: the fuzzer acts as a member through an API key. The fuzzer is free to call every endpoint,
#   including POST /v1/auth/logout and DELETE /v1/api-keys/{keyId} with ids it read from GET /v1/api-keys, which
#   revokes its own key; so the key is checked every second and replaced when revoked, minted with a session
#   token the fuzzer never sees.
import ast
import json
import os
import sys
import threading
import urllib.error
import urllib.request

import schemathesis

BASE_URL = os.environ["FUZZ_BASE_URL"]

# CPython 3.11's AST builder keeps its recursion depth in shared state: two fuzzer workers parsing at once (Hypothesis
# describing a lambda) fail with "AST constructor recursion depth mismatch", a Runtime Error of the fuzzer, not of
# the API. One parse at a time.
_AST_LOCK = threading.Lock()
_ast_parse = ast.parse


def _serial_parse(*args, **kwargs):
    with _AST_LOCK:
        return _ast_parse(*args, **kwargs)


ast.parse = _serial_parse

# Intro uploads take audio files: fuzz them with bytes, as schemathesis does for application/octet-stream.
schemathesis.serializer.alias(["audio/wav", "audio/flac", "audio/ogg", "audio/webm"], "application/octet-stream")


def _call(method, path, headers, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE_URL + path, data=data, method=method, headers={"content-type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, None


@schemathesis.auth(refresh_interval=1, retry_on=[])
class MemberApiKey:
    def __init__(self):
        self.key = os.environ["FUZZ_API_KEY"]
        self.replaced = 0

    def get(self, case, ctx):
        status, _ = _call("GET", "/v1/me", {"x-api-key": self.key})
        if status == 401:
            status, body = _call("POST", "/v1/api-keys", {"authorization": f"Bearer {os.environ['FUZZ_MINT_TOKEN']}"}, {"name": "schemathesis"})
            if status != 201:
                raise RuntimeError(f"could not mint a new API key: {status}")
            self.key = body["key"]
            self.replaced += 1
            print(f"[fuzz] the API key was revoked by the run; replaced ({self.replaced})", file=sys.stderr)
        return self.key

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "X-Api-Key": data}


STATUS_LOG = os.environ.get("FUZZ_STATUS_LOG")


@schemathesis.check
def record_status(ctx, response, case):
    """Writes `METHOD /path/{template} status` per answer, so the test sees which operations were only refused."""
    if STATUS_LOG:
        with open(STATUS_LOG, "a", encoding="utf-8") as log:
            log.write(f"{case.method.upper()} {case.operation.path} {response.status_code}\n")
    return None


@schemathesis.check
def error_shape(ctx, response, case):
    if response.status_code < 400 or response.status_code >= 500:
        return None
    where = f"{case.method} {case.path} -> {response.status_code}"
    headers = {name.lower(): value for name, value in response.headers.items()}
    content_type = headers.get("content-type", "")
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    if not content_type.startswith("application/json"):
        raise AssertionError(f"{where}: content-type is {content_type!r}, not application/json")
    try:
        body = json.loads(response.content)
    except ValueError as exc:
        raise AssertionError(f"{where}: body is not JSON ({exc})") from None
    if not isinstance(body, dict) or set(body) != {"error"} or not isinstance(body["error"], dict):
        raise AssertionError(f"{where}: body is not {{\"error\": {{...}}}}: {response.text[:200]}")
    error = body["error"]
    if set(error) != {"code", "message", "details"}:
        raise AssertionError(f"{where}: error has keys {sorted(error)}, not code, message, details")
    if not isinstance(error["code"], str) or not error["code"] or not isinstance(error["message"], str) or not error["message"]:
        raise AssertionError(f"{where}: error.code and error.message must be non-empty strings: {response.text[:200]}")
    if not isinstance(error["details"], list):
        raise AssertionError(f"{where}: error.details is not a list")
    for detail in error["details"]:
        if not isinstance(detail, dict) or not isinstance(detail.get("message"), str) or set(detail) - {"field", "message"}:
            raise AssertionError(f"{where}: malformed error detail {detail!r}")
        if "field" in detail and not isinstance(detail["field"], str):
            raise AssertionError(f"{where}: error detail field is not a string: {detail!r}")
    return None
