# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""The ECS instance metadata service, as far as a RAM role goes: session tokens and the role's temporary keys.

Plain HTTP text and JSON on /latest/..., not the API's error shape. The mode says which service it plays:
'optional' (tokens accepted, not required: the usual ECS), 'required' (hardened mode: no tokenless GET),
'unsupported' (an old service without tokens) or 'off' (none at all).
"""

import dataclasses
import http
import json
import re
import secrets
import threading

from _auth import utc_text
from _fixtures import DEFAULT_ACCOUNT
from _keyring import key_answer
from _sts import ROLE_NAME

PREFIX = '/latest/'
TOKEN_PATH = '/latest/api/token'
CREDENTIALS_PATH = '/latest/meta-data/ram/security-credentials/'
TTL_HEADER = 'X-aliyun-ecs-metadata-token-ttl-seconds'
TOKEN_HEADER = 'X-aliyun-ecs-metadata-token'
MAX_TOKEN_TTL_SECONDS = 21600
KEY_LIFETIME_SECONDS = 6 * 3600
MODES = ('optional', 'required', 'unsupported', 'off')
DEFAULT_ROLE = 'emulator-ecs-role'
TEXT = 'text/plain'
# path -> the action the request log names
ACTIONS = {TOKEN_PATH: 'ECSMetadata.Token', CREDENTIALS_PATH: 'ECSMetadata.RoleList'}
CREDENTIALS_ACTION = 'ECSMetadata.Credentials'


class MetadataSettingsError(ValueError):
    """A metadata setting that makes no sense; the message says which and why."""


@dataclasses.dataclass(frozen=True)
class MetadataSettings:
    mode: str = 'optional'
    role: str = DEFAULT_ROLE  # the RAM role attached to the instance; None: none

    def __post_init__(self):
        if self.mode not in MODES:
            raise MetadataSettingsError(f'mode must be one of {", ".join(MODES)}, got {self.mode!r}')
        if self.role is not None and not (isinstance(self.role, str) and re.fullmatch(ROLE_NAME, self.role)):
            raise MetadataSettingsError(f'role must be a RAM role name (1 to 64 letters, digits, "." and "-") or null, got {self.role!r}')


@dataclasses.dataclass(frozen=True)
class MetadataAnswer:
    action: str  # what the request log calls the request; None for a path the service does not have
    status: int
    body: bytes = b''
    content_type: str = TEXT


@dataclasses.dataclass(frozen=True)
class RoleKey:
    credential: object  # the Credential issued for the role
    issued_at: float


def _refusal(status):
    """(status, body, content type) of an answer that is just the status."""
    return status, http.HTTPStatus(status).phrase.encode('ascii'), TEXT


class MetadataService:
    """Thread-safe; tokens and role keys last until they expire, also across a reset (which restores the settings)."""

    def __init__(self, baseline, keys, clock):
        self._baseline = baseline
        self._keys = keys
        self._clock = clock
        self._lock = threading.Lock()
        self._settings = baseline
        self._tokens = {}  # token -> server time it expires
        self._role_keys = {}  # role name -> RoleKey

    def settings(self):
        with self._lock:
            return dataclasses.asdict(self._settings)

    def configure(self, spec):
        """Applies a control request's JSON object ({"mode", "role"}, each optional); raises MetadataSettingsError when wrong."""
        if not isinstance(spec, dict):
            raise MetadataSettingsError('the body must be a JSON object')
        unknown = set(spec) - {'mode', 'role'}
        if unknown:
            raise MetadataSettingsError(f'unknown keys: {", ".join(sorted(unknown))}')
        with self._lock:
            self._settings = dataclasses.replace(self._settings, **spec)
            return dataclasses.asdict(self._settings)

    def reset(self):
        with self._lock:
            self._settings = self._baseline

    def answer(self, request):
        if request.path.startswith(CREDENTIALS_PATH) and request.path != CREDENTIALS_PATH:
            action = CREDENTIALS_ACTION
        else:
            action = ACTIONS.get(request.path)
        with self._lock:
            status, body, content_type = self._answer(action, request, self._settings)
        return MetadataAnswer(action, status, body, content_type)

    def _answer(self, action, request, settings):
        """(status, body, content type)"""
        if action is None or settings.mode == 'off':
            return _refusal(404)
        if action == ACTIONS[TOKEN_PATH]:
            if request.method != 'PUT':
                return _refusal(405)
            return _refusal(404) if settings.mode == 'unsupported' else self._new_token(request.header(TTL_HEADER))
        if request.method != 'GET':
            return _refusal(405)
        refused = self._token_refusal(request.header(TOKEN_HEADER), settings.mode)
        if refused:
            return _refusal(refused)
        role = request.path[len(CREDENTIALS_PATH):]  # '' for the role list
        if settings.role is None or role not in ('', settings.role):
            return _refusal(404)
        if action == CREDENTIALS_ACTION:
            return 200, json.dumps(self._role_answer(role)).encode('ascii'), 'application/json'
        return 200, settings.role.encode('ascii'), TEXT

    def _new_token(self, ttl):
        if not (ttl and ttl.isascii() and ttl.isdigit() and 1 <= int(ttl) <= MAX_TOKEN_TTL_SECONDS):
            return 400, f'{TTL_HEADER} must be a whole number of seconds from 1 to {MAX_TOKEN_TTL_SECONDS}.'.encode('ascii'), TEXT
        now = self._clock()
        self._tokens = {token: expiry for token, expiry in self._tokens.items() if expiry > now}
        token = secrets.token_urlsafe(42)
        self._tokens[token] = now + int(ttl)
        return 200, token.encode('ascii'), TEXT

    def _token_refusal(self, token, mode):
        """The status refusing a GET for its token (or lack of one), None when it may go on."""
        if mode == 'unsupported':
            return None  # an old service ignores the header
        if token is None:
            return 403 if mode == 'required' else None
        return None if self._tokens.get(token, 0) > self._clock() else 401

    def _role_answer(self, role):
        """The role's key: the same one until it expires, then a new one."""
        now = self._clock()
        role_key = self._role_keys.get(role)
        if role_key is None or role_key.credential.expiration <= now:
            role_key = self._role_keys[role] = RoleKey(self._keys.issue(DEFAULT_ACCOUNT, now + KEY_LIFETIME_SECONDS), now)
        return {**key_answer(role_key.credential), 'LastUpdated': utc_text(role_key.issued_at), 'Code': 'Success'}
