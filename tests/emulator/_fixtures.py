# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""The fixture file format: credentials and instances with their CA and device certificates, read and checked.

The format is described in README.md; _default_fixtures.py generates the default document.
"""

import dataclasses
import datetime
import hashlib
import json
import re
import uuid

FORMAT_NAME = 'onsmqtt-emulator-fixtures'
FORMAT_VERSION = 1
LIST_TOTAL_MODES = ('items', 'pages')
UTC_TEXT = '%Y-%m-%dT%H:%M:%SZ'
HEX_SN = re.compile(r'[0-9a-fA-F]+')
DEFAULT_ACCOUNT = '1234567890123456'  # the account's UID, as it stands in ARNs


class FixtureError(Exception):
    pass


def registration_code(instance_id):
    """An instance's registration code when the fixtures name none; deterministic, shaped like the service's codes
    (a UUID followed by hex digits)."""
    digest = hashlib.sha256(instance_id.encode('utf-8')).hexdigest()[:10]
    return f'{uuid.uuid5(uuid.NAMESPACE_URL, f"urn:onsmqtt-emulator:instance:{instance_id}")}{digest}'


def write_fixtures(document, path):
    with open(path, 'w', encoding='utf-8') as stream:
        json.dump(document, stream, indent=2)
        stream.write('\n')


@dataclasses.dataclass(frozen=True)
class Credential:
    access_key_id: str
    secret: str
    security_token: str = None
    account: str = DEFAULT_ACCOUNT
    allowed_actions: tuple = None  # RAM actions such as 'mq:GetCaCertificate'; None grants every action
    expiration: float = None  # server time (seconds) when a key the emulator issued expires; None: never


@dataclasses.dataclass(frozen=True)
class Instance:
    """An instance as the fixtures describe it at start; what changes while the emulator runs lives in _state.py."""

    ca_certificates: tuple      # the API's CA objects, in listing order
    device_certificates: tuple  # the API's device objects, in listing order
    list_total: str             # what the listings' Total counts: 'items' or 'pages'
    registration_code: str      # what GetRegisterCode answers
    owner: str = DEFAULT_ACCOUNT
    revocations: tuple = ()     # ((CaSn, DeviceSn, revocation datetime), ...): the device certificates their CA revoked (on its CRL)


class FixtureStore:
    """Read-only view of a fixture document, as the API handlers and the authenticator need it."""

    def __init__(self, document):
        _expect(isinstance(document, dict), 'the document must be a JSON object')
        _expect(document.get('format') == FORMAT_NAME and document.get('version') == FORMAT_VERSION,
                f'expected "format": "{FORMAT_NAME}" and "version": {FORMAT_VERSION}')
        self._credentials = _read_credentials(document.get('credentials'))
        self._instances = _read_instances(document.get('instances'))

    @classmethod
    def from_file(cls, path):
        try:
            with open(path, encoding='utf-8') as stream:
                document = json.load(stream)
        except (OSError, ValueError) as exc:
            raise FixtureError(f'cannot read {path}: {exc}') from exc
        try:
            return cls(document)
        except FixtureError as exc:
            raise FixtureError(f'{path}: {exc}') from exc

    def credential(self, access_key_id):
        return self._credentials.get(access_key_id)

    def is_issued_token(self, token):
        return any(credential.security_token == token for credential in self._credentials.values())

    def instance(self, instance_id):
        return self._instances.get(instance_id)

    def instances(self):
        """{instance ID: Instance}, a copy."""
        return dict(self._instances)


def _expect(condition, problem):
    if not condition:
        raise FixtureError(problem)


def _is_text(value):
    return isinstance(value, str) and value != ''


def _read_credentials(entries):
    _expect(isinstance(entries, list) and entries, '"credentials" must be a non-empty list')
    credentials = {}
    for entry in entries:
        _expect(isinstance(entry, dict) and _is_text(entry.get('access_key_id')) and _is_text(entry.get('access_key_secret')),
                'each credential needs the strings "access_key_id" and "access_key_secret"')
        token = entry.get('security_token')
        _expect(token is None or _is_text(token), '"security_token" must be a non-empty string when given')
        _expect(entry['access_key_id'] not in credentials, f'credential {entry["access_key_id"]} is listed twice')
        account = entry.get('account', DEFAULT_ACCOUNT)
        allowed = entry.get('allowed_actions')
        _expect(_is_text(account), '"account" must be a non-empty string when given')
        _expect(allowed is None or (isinstance(allowed, list) and all(_is_text(action) for action in allowed)),
                '"allowed_actions" must be a list of RAM actions such as "mq:GetCaCertificate" when given')
        credentials[entry['access_key_id']] = Credential(entry['access_key_id'], entry['access_key_secret'], token, account,
                                                         None if allowed is None else tuple(allowed))
    return credentials


def _read_instances(entries):
    _expect(isinstance(entries, dict), '"instances" must be an object keyed by instance ID')
    return {instance_id: _read_instance(instance_id, entry) for instance_id, entry in entries.items()}


def _read_instance(instance_id, entry):
    _expect(isinstance(entry, dict) and isinstance(entry.get('ca_certificates'), list), f'instance {instance_id} needs a "ca_certificates" list')
    list_total = entry.get('list_total', 'items')
    _expect(list_total in LIST_TOTAL_MODES, f'instance {instance_id}: "list_total" must be one of {", ".join(LIST_TOTAL_MODES)}')
    owner = entry.get('owner', DEFAULT_ACCOUNT)
    _expect(_is_text(owner), f'instance {instance_id}: "owner" must be a non-empty string when given')
    code = entry.get('registration_code', registration_code(instance_id))
    _expect(_is_text(code), f'instance {instance_id}: "registration_code" must be a non-empty string when given')
    cas = tuple(_read_data(instance_id, 'CA', ca, ('Sn',)) for ca in entry['ca_certificates'])
    sns = [ca['Sn'] for ca in cas]
    _expect(len(sns) == len(set(sns)), f'instance {instance_id} lists an SN twice')
    devices = entry.get('device_certificates', [])
    _expect(isinstance(devices, list), f'instance {instance_id}: "device_certificates" must be a list when given')
    revocations = tuple(_read_revocation(instance_id, device) for device in devices if isinstance(device, dict) and 'revoked_at' in device)
    devices = tuple(_read_data(instance_id, 'device certificate', device, ('CaSn', 'DeviceSn')) for device in devices)
    keys = {(device['CaSn'], device['DeviceSn']) for device in devices}
    _expect(len(keys) == len(devices), f'instance {instance_id} lists a device certificate (CaSn and DeviceSn) twice')
    return Instance(cas, devices, list_total, code, owner, revocations)


def parse_utc(text):
    """'YYYY-MM-DDThh:mm:ssZ' -> an aware datetime; ValueError otherwise."""
    return datetime.datetime.strptime(text, UTC_TEXT).replace(tzinfo=datetime.timezone.utc)


def _read_revocation(instance_id, entry):
    data = _read_data(instance_id, 'device certificate', entry, ('CaSn', 'DeviceSn'))
    _expect(HEX_SN.fullmatch(data['DeviceSn']) is not None,
            f'instance {instance_id}: device certificate {data["DeviceSn"]} has "revoked_at", so its DeviceSn must be its serial number in hex')
    try:
        return data['CaSn'], data['DeviceSn'], parse_utc(entry['revoked_at'])
    except (TypeError, ValueError):
        raise FixtureError(f'instance {instance_id}: device certificate {data["DeviceSn"]}: "revoked_at" must be YYYY-MM-DDThh:mm:ssZ') from None


def _read_data(instance_id, what, entry, required):
    _expect(isinstance(entry, dict) and isinstance(entry.get('data'), dict) and all(_is_text(entry['data'].get(name)) for name in required),
            f'each {what} of instance {instance_id} needs a "data" object with the strings {" and ".join(map(repr, required))}')
    return entry['data']
