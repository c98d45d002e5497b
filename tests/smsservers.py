"""A local stand-in for Tencent Cloud SMS (API 2021-01-11, action SendSms), for tests.

It speaks the provider's protocol as the official SDK uses it: a JSON POST to ``/``
with the ``X-TC-Action``/``X-TC-Version``/``X-TC-Timestamp`` headers and a
``TC3-HMAC-SHA256`` Authorization header, which it checks against the secret key
(a request signed with another key, or changed on the way, is refused with
``AuthFailure.SignatureFailure`` as the real service does). It answers with a
``SendStatusSet`` (or an ``Error``), records what it accepted, and can be told to
refuse the next requests. Plain ``http.server`` in a thread, no dependency."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET_ID = "AKIDtestlinli000000000000000000000"
SECRET_KEY = "linli-test-secret-key-000000000000"
APP_ID = "1400000000"
SIGN_NAME = "邻里"


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def tc3_signature(*, secret_key: str, method: str, host: str, content_type: str, payload: bytes, timestamp: str,
                  service: str = "sms") -> str:
    """The TC3-HMAC-SHA256 signature, computed as Tencent Cloud's documentation describes."""
    canonical = "\n".join([method, "/", "", f"content-type:{content_type}\nhost:{host}\n", "content-type;host",
                           hashlib.sha256(payload).hexdigest()])
    date = dt.datetime.fromtimestamp(int(timestamp), dt.UTC).strftime("%Y-%m-%d")
    scope = f"{date}/{service}/tc3_request"
    to_sign = "\n".join(["TC3-HMAC-SHA256", timestamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(("TC3" + secret_key).encode(), date), service), "tc3_request")
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args):  # quiet
        pass

    def _answer(self, response: dict) -> None:
        body = json.dumps({"Response": {**response, "RequestId": str(uuid.uuid4())}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, code: str, message: str) -> None:
        self._answer({"Error": {"Code": code, "Message": message}})

    def do_POST(self):  # noqa: N802 - http.server's name
        fake = self.server.fake
        payload = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        auth = self.headers.get("Authorization", "")
        parts = dict(p.strip().split("=", 1) for p in auth.removeprefix("TC3-HMAC-SHA256 ").split(","))
        expected = tc3_signature(secret_key=fake.secret_key, method="POST", host=self.headers.get("Host", ""),
                                 content_type=self.headers.get("Content-Type", ""), payload=payload,
                                 timestamp=self.headers.get("X-TC-Timestamp", "0"))
        if (not auth.startswith("TC3-HMAC-SHA256 ") or not parts.get("Credential", "").startswith(SECRET_ID + "/")
                or not hmac.compare_digest(parts.get("Signature", ""), expected)):
            fake.refused.append("AuthFailure.SignatureFailure")
            return self._error("AuthFailure.SignatureFailure", "The provided credentials could not be validated.")
        if self.headers.get("X-TC-Action") != "SendSms" or self.headers.get("X-TC-Version") != "2021-01-11":
            return self._error("InvalidAction", "The action is not supported.")
        data = json.loads(payload)
        if fake.delay:
            time.sleep(fake.delay)  # a provider that takes its time: two workers overlap
        with fake.lock:
            if fake.fail_next > 0:
                fake.fail_next -= 1
                fake.refused.append("InternalError")
                return self._error("InternalError.Timeout", "The request timed out, please try again.")
            if data.get("SmsSdkAppId") != APP_ID or data.get("SignName") != SIGN_NAME:
                return self._error("FailedOperation.SignatureIncorrectOrUnapproved", "Unknown application or sign.")
            statuses = []
            for phone in data.get("PhoneNumberSet", []):
                serial = f"2433:{uuid.uuid4().int % 10**12}"
                fake.sent.append({"phone": phone, "template_id": data.get("TemplateId"),
                                  "params": list(data.get("TemplateParamSet") or []),
                                  "reference": data.get("SessionContext", ""), "serial": serial})
                statuses.append({"SerialNo": serial, "PhoneNumber": phone, "Fee": 1,
                                 "SessionContext": data.get("SessionContext", ""), "Code": "Ok",
                                 "Message": "send success", "IsoCode": "CN"})
        self._answer({"SendStatusSet": statuses})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeTencentSms


class FakeTencentSms:
    """``with FakeTencentSms() as sms:`` then point the SDK at ``sms.endpoint`` over http."""

    def __init__(self, secret_key: str = SECRET_KEY):
        self.secret_key = secret_key
        self.sent: list[dict] = []
        self.refused: list[str] = []
        self.fail_next = 0
        self.delay = 0.0
        self.lock = threading.Lock()
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.fake = self
        self.endpoint = f"127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def config(self, **over) -> dict:
        """The provider settings (``LINLI_SMS_TENCENT``) that reach this server."""
        return {"secret_id": SECRET_ID, "secret_key": self.secret_key, "sdk_app_id": APP_ID, "sign_name": SIGN_NAME,
                "region": "ap-guangzhou", "endpoint": self.endpoint, "scheme": "http", "timeout": 5, **over}

    def env(self) -> dict:
        """The same as environment variables, for worker processes."""
        return {"LINLI_SMS_PROVIDER": "tencent", "LINLI_SMS_TENCENT_SECRET_ID": SECRET_ID,
                "LINLI_SMS_TENCENT_SECRET_KEY": self.secret_key, "LINLI_SMS_TENCENT_APP_ID": APP_ID,
                "LINLI_SMS_SIGN_NAME": SIGN_NAME, "LINLI_SMS_TENCENT_ENDPOINT": self.endpoint,
                "LINLI_SMS_TENCENT_SCHEME": "http"}

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)
