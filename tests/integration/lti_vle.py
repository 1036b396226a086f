"""A small VLE for the tests: a real LTI 1.3 platform, served on loopback, built on `lti1p3platform`.

It signs launches with its own key, answers the tool's OpenID Connect
authentication request, issues access tokens, keeps the scores the tool sends,
takes deep-linking responses, and offers LTI Dynamic Registration. The library
ships only Django and FastAPI adapters, so this is its Flask counterpart.
(Never call a module platform.py: it would hide Python's own `platform`.)
"""

from __future__ import annotations

import html
import re
import threading
import uuid
from dataclasses import dataclass, field

import requests
from flask import Flask, abort, jsonify, request
from jwcrypto.jwk import JWK
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import RequestBase
from werkzeug.serving import make_server

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
AGS_SCOPES = ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
              "https://purl.imsglobal.org/spec/lti-ags/scope/score"]


@dataclass
class PendingLaunch:
    """What the VLE will put in the id_token when the tool comes back for it."""

    sub: str
    roles: list[str]
    name: str = "Sam Learner"
    context_id: str = "course-101"
    context_title: str = "Digital skills, Tuesday evening"
    custom: dict = field(default_factory=dict)
    deep_linking: bool = False
    lineitem: str | None = None
    resource_link: str | None = None  # the activity's id in the VLE; one per course unless given


class _Request(RequestBase):
    def __init__(self, get_data: dict, form_data: dict):
        self.request = {"method": "GET", "get_data": get_data, "form_data": form_data, "headers": {},
                        "content_type": None, "path": "/", "json": None}


class _Config(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs):
        self._vle = kwargs["vle"]

    def get_registration_by_params(self, **kwargs) -> Registration:
        return self._vle.registration()


class _Launch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data, **kwargs):
        return launch_data


# Key pairs of VLEs that have stopped, for the next VLE made. Making a 2048-bit key takes a tenth of a
# second or more, and each LTI test starts a VLE; a key is only handed on once its VLE has stopped, so
# two VLEs running at once (the attacker's and the victim's) always have keys of their own.
_KEYS: list[tuple[str, str]] = []


def _new_keys() -> tuple[str, str]:
    """Return a new RSA key pair, private then public, in PEM."""
    key = JWK.generate(kty="RSA", size=2048)
    return key.export_to_pem(private_key=True, password=None).decode(), key.export_to_pem().decode()


class TestVle:
    """The VLE: start it, register the tool in it, and launch."""

    __test__ = False  # not a test class, for pytest

    def __init__(self, tool_base: str, deployment_id: str = "deployment-1", client_id: str = "skills-passport"):
        self._keys = _KEYS.pop() if _KEYS else _new_keys()
        self.private_pem, self.public_pem = self._keys
        self.tool_base = tool_base
        self.client_id = client_id
        self.deployment_id = deployment_id
        self.tool_jwks: dict | None = None
        self.pending: dict[str, PendingLaunch] = {}
        self.scores: list[dict] = []
        self.deep_links: list[list[dict]] = []
        self.fail_scores = 0  # answer this many score posts with an error first
        self.registrations: list[dict] = []
        self.key_set: object = None  # what /jwks answers instead of the VLE's keys, to test odd answers
        self.app = self._make_app()
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.base = f"http://127.0.0.1:{self._server.server_port}"
        # Stopping waits for the server's next look at whether to stop: every 0.5 s by default, every test.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01},
                                        name="test-vle", daemon=True)

    # --- running -------------------------------------------------------------------------

    def __enter__(self) -> "TestVle":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()
        _KEYS.append(self._keys)  # for a later VLE: never one running beside this one

    @property
    def issuer(self) -> str:
        return self.base

    def settings(self) -> dict:
        """Return what the tool's admin registers for this VLE."""
        return dict(name="Test VLE", issuer=self.issuer, client_id=self.client_id,
                    auth_login_url=f"{self.base}/auth", auth_token_url=f"{self.base}/token",
                    key_set_url=f"{self.base}/jwks", deployment_ids=[self.deployment_id], auth_audience="")

    def registration(self) -> Registration:
        registration = (Registration().set_iss(self.issuer).set_client_id(self.client_id)
                        .set_deployment_id(self.deployment_id)
                        .set_oidc_login_url(f"{self.tool_base}/lti/login")
                        .set_launch_url(f"{self.tool_base}/lti/launch")
                        .set_deeplink_launch_url(f"{self.tool_base}/lti/launch")
                        .set_platform_public_key(self.public_pem).set_platform_private_key(self.private_pem))
        if self.tool_jwks:
            registration.set_tool_key_set(self.tool_jwks)
        return registration

    # --- launching ---------------------------------------------------------------------------

    def login_initiation(self, launch: PendingLaunch) -> dict:
        """Return the query a VLE sends to the tool's login address to start a launch."""
        hint = uuid.uuid4().hex
        self.pending[hint] = launch
        return {"iss": self.issuer, "login_hint": launch.sub, "target_link_uri": f"{self.tool_base}/lti/launch",
                "lti_message_hint": hint, "client_id": self.client_id, "lti_deployment_id": self.deployment_id}

    @staticmethod
    def form_fields(page: str) -> tuple[str, dict]:
        """Return the action and hidden fields of an auto-posting form."""
        action = html.unescape(re.search(r'<form[^>]*action="([^"]+)"', page).group(1))
        fields = {html.unescape(n): html.unescape(v)
                  for n, v in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)}
        return action, fields

    def _authorize(self):
        """Answer the tool's OpenID Connect authentication request with a signed launch."""
        params = request.args.to_dict()
        launch = self.pending.get(params.get("lti_message_hint", ""))
        if launch is None or params.get("login_hint") != launch.sub:
            abort(400)
        message = _Launch(_Request(params, {}), _Config(vle=self))
        message.set_user_data(launch.sub, launch.roles, full_name=launch.name)
        message.set_launch_context_claim(launch.context_id, context_title=launch.context_title)
        message.set_resource_link_claim(launch.resource_link or "link-" + launch.context_id)
        if launch.custom:
            message.set_custom_parameters_claim(launch.custom)
        if launch.deep_linking:
            message.set_dl(f"{self.base}/deep-link-return", title="Add an activity")
        else:
            message.set_extra_claims({"https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": AGS_SCOPES, "lineitems": f"{self.base}/lineitems",
                "lineitem": launch.lineitem or f"{self.base}/lineitems/1"}})
        data = message.lti_launch()
        fields = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">'
                         for k, v in (("id_token", data["id_token"]), ("state", data["state"])))
        return f'<form method="post" action="{html.escape(data["launch_url"])}">{fields}</form>'

    # --- the VLE's web app ---------------------------------------------------------------------

    def _make_app(self) -> Flask:
        app = Flask("test_vle")
        vle = self

        @app.get("/jwks")
        def jwks():
            if vle.key_set is not None:
                return jsonify(vle.key_set)
            return jsonify({"keys": vle.registration().get_jwks()})

        @app.get("/auth")
        def auth():
            return vle._authorize()

        @app.post("/token")
        def token():
            config = _Config(vle=vle)
            config.get_registration()
            return jsonify(config.get_access_token(request.form.to_dict()))

        @app.post("/lineitems/<int:item>/scores")
        def scores(item: int):
            config = _Config(vle=vle)
            config.get_registration()
            bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
            config.validate_token(bearer)
            if vle.fail_scores:
                vle.fail_scores -= 1
                return jsonify(error="the gradebook is down"), 503
            if request.mimetype != "application/vnd.ims.lis.v1.score+json":
                abort(415)
            vle.scores.append({"lineitem": item, **request.get_json(force=True)})
            return "", 204

        @app.post("/deep-link-return")
        def deep_link_return():
            config = _Config(vle=vle)
            config.get_registration()
            vle.deep_links.append(config.validate_deeplinking_resp(request.form.to_dict()))
            return "Added"

        @app.get("/.well-known/openid-configuration")
        def openid_configuration():
            return jsonify({
                "issuer": vle.issuer, "authorization_endpoint": f"{vle.base}/auth",
                "token_endpoint": f"{vle.base}/token", "jwks_uri": f"{vle.base}/jwks",
                "registration_endpoint": f"{vle.base}/register",
                "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                    "product_family_code": "test-vle", "version": "1"}})

        @app.post("/register")
        def register():
            if request.headers.get("Authorization") != "Bearer vle-registration-token":
                abort(401)
            body = request.get_json(force=True)
            vle.registrations.append(body)
            vle.tool_jwks = requests.get(body["jwks_uri"], timeout=5).json() if body["jwks_uri"].startswith(
                vle.base) else vle.tool_jwks
            return jsonify({**body, "client_id": vle.client_id,
                            "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                                **body["https://purl.imsglobal.org/spec/lti-tool-configuration"],
                                "deployment_id": vle.deployment_id}})

        return app
