"""Schemathesis hooks for tests/schemathesis/run.sh.

Fuzzing signs the test admin out now and then (logout, logout-all, revoking its own session from
the session list); a static token would leave every later request answering 401. This provider
renews the access token every second: refresh first, a fresh sign-in when the session has ended
(waiting out a lock the fuzzer's wrong passwords caused).
"""

import json
import os
import sys
import time
import urllib.error
import urllib.request

import schemathesis

BASE = os.environ["MINI_XDR_FUZZ_BASE"]
EMAIL = os.environ["MINI_XDR_FUZZ_EMAIL"]
PASSWORD = os.environ["MINI_XDR_FUZZ_PASSWORD"]


def _post(path, body):
    request = urllib.request.Request(
        BASE + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        print(f"hooks.py: {path} answered {error.code}: {error.read()[:300]!r}", file=sys.stderr)
        return None


@schemathesis.auth(refresh_interval=1)
class AdminSession:
    refresh_token = None

    def get(self, case, context):
        pair = None
        if self.refresh_token is not None:
            pair = _post("/api/v1/auth/refresh", {"refresh_token": self.refresh_token})
        for _ in range(5):
            if pair is not None:
                break
            # Failed password checks (change-password with a wrong current password) lock the
            # account; run.sh makes a lock last one second.
            pair = _post("/api/v1/auth/login", {"email": EMAIL, "password": PASSWORD})
            if pair is None:
                time.sleep(1.1)
        if pair is None:
            raise RuntimeError("the fuzzing admin can neither refresh nor sign in")
        self.refresh_token = pair["refresh_token"]
        return pair["access_token"]

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
