# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""The data the emulator serves: credentials and instances with their CA certificates.

The default fixtures are generated afresh (real certificates, dates relative to now); the file
format is described in README.md. Private keys exist only while generating and are never written.
"""

import dataclasses
import datetime
import hashlib
import json
import uuid

from _certificates import CertificateAuthority, to_pem

FORMAT_NAME = 'onsmqtt-emulator-fixtures'
FORMAT_VERSION = 1
LIST_TOTAL_MODES = ('items', 'pages')

PERMANENT_CREDENTIAL = {
    'access_key_id': 'emulator-access-key-id',
    'access_key_secret': 'emulator-access-key-secret',
    'description': 'Permanent AccessKey pair.',
}
TEMPORARY_CREDENTIAL = {
    'access_key_id': 'STS.emulator-temporary-key-id',
    'access_key_secret': 'emulator-temporary-key-secret',
    'security_token': 'emulator-security-token',
    'description': 'Temporary (STS) AccessKey pair: accepted only together with its security token.',
}
DEFAULT_ACCOUNT = '1234567890123456'  # the account's UID, as it stands in ARNs
OTHER_ACCOUNT = '6543210987654321'
OTHER_ACCOUNT_CREDENTIAL = {
    'access_key_id': 'emulator-other-account-key-id',
    'access_key_secret': 'emulator-other-account-key-secret',
    'account': OTHER_ACCOUNT,
    'description': 'Permanent AccessKey pair of another account: its calls to the default instances get MqttOwnerCheckError.',
}
NO_PERMISSION_CREDENTIAL = {
    'access_key_id': 'emulator-no-permission-key-id',
    'access_key_secret': 'emulator-no-permission-key-secret',
    'allowed_actions': [],
    'description': 'Permanent AccessKey pair of a RAM user granted no mq: action: every call gets PermissionCheckFailed.',
}
MAIN_INSTANCE_ID = 'post-cn-emulator01'
EMPTY_INSTANCE_ID = 'post-cn-emulator02'

# How CaContent/VerificationContent are written: the API documents "\n" as its line break, and clients
# must cope with real newlines, CRLF and literal backslash-n sequences alike.
LAYOUT_PLAIN = 'plain'
LAYOUT_CHAIN_CRLF = 'chain-crlf'
LAYOUT_ESCAPED_NEWLINES = 'escaped-newlines'
LINE_BREAKS = {LAYOUT_PLAIN: '\n', LAYOUT_CHAIN_CRLF: '\r\n', LAYOUT_ESCAPED_NEWLINES: '\\n'}


@dataclasses.dataclass(frozen=True)
class CaSpec:
    """One default CA; validity is in days relative to generation time."""

    sn: str
    name: str
    key_type: str
    status: str
    valid_from_days: float
    valid_until_days: float
    description: str
    layout: str = LAYOUT_PLAIN


DEFAULT_CAS = (
    CaSpec('00e0a1c0ffee000001', 'emulator-rsa2048-active', 'rsa', '1', -1, 3650,
           'Active RSA-2048 CA valid for 10 years: the everyday case.'),
    CaSpec('00e0a1c0ffee000002', 'emulator-ec-p256-active', 'ec', '1', -1, 1825,
           'Active EC P-256 CA valid for 5 years.'),
    CaSpec('00e0a1c0ffee000003', 'emulator-rsa2048-inactive', 'rsa', '0', -1, 3650,
           'Inactive (Status "0") RSA-2048 CA: a role that requires active CAs must refuse it.'),
    CaSpec('00e0a1c0ffee000004', 'emulator-ec-p256-expired', 'ec', '1', -730, -30,
           'EC P-256 CA that expired 30 days ago, although its status is still active.'),
    CaSpec('00e0a1c0ffee000005', 'emulator-rsa2048-expiring', 'rsa', '1', -355, 10.5,
           'Active RSA-2048 CA expiring 10.5 days after generation (10 whole days remaining).'),
    CaSpec('00e0a1c0ffee000006', 'emulator-chain-crlf', 'ec', '1', -1, 1095,
           'CaContent holds two certificates, the registered EC P-256 intermediate CA then its RSA-2048 root, with CRLF line ends.',
           LAYOUT_CHAIN_CRLF),
    CaSpec('00e0a1c0ffee000007', 'emulator-escaped-newlines', 'ec', '1', -1, 1825,
           'CaContent and VerificationContent use literal backslash-n sequences instead of line breaks.',
           LAYOUT_ESCAPED_NEWLINES),
)


class FixtureError(Exception):
    pass


def generate_default_fixtures(now=None):
    """The default fixture document (JSON-ready), with certificates valid relative to `now`."""
    now = (now or datetime.datetime.now(datetime.timezone.utc)).replace(microsecond=0)
    return {
        'format': FORMAT_NAME,
        'version': FORMAT_VERSION,
        'generated_at': now.strftime('%Y-%m-%dT%H:%M:%SZ'),
        'credentials': [dict(credential) for credential in
                        (PERMANENT_CREDENTIAL, TEMPORARY_CREDENTIAL, OTHER_ACCOUNT_CREDENTIAL, NO_PERMISSION_CREDENTIAL)],
        'instances': {
            MAIN_INSTANCE_ID: {
                'description': 'Platinum instance holding one CA of each kind a client must handle.',
                'ca_certificates': [_generate_ca(spec, now) for spec in DEFAULT_CAS],
            },
            EMPTY_INSTANCE_ID: {
                'description': 'Instance without any CA.',
                'ca_certificates': [],
            },
        },
    }


def registration_code(sn):
    """Deterministic, shaped like the service's codes (a UUID followed by hex digits)."""
    return f'{uuid.uuid5(uuid.NAMESPACE_URL, f"urn:onsmqtt-emulator:ca:{sn}")}{hashlib.sha256(sn.encode("ascii")).hexdigest()[:10]}'


def _generate_ca(spec, now):
    validity = (now + datetime.timedelta(days=spec.valid_from_days), now + datetime.timedelta(days=spec.valid_until_days))
    serial_number = int(spec.sn, 16)
    if spec.layout == LAYOUT_CHAIN_CRLF:
        root = CertificateAuthority.self_signed(f'{spec.name} root', 'rsa', validity)
        registered = root.issue_ca(spec.name, spec.key_type, validity, serial_number)
        chain = [registered.certificate, root.certificate]
    else:
        registered = CertificateAuthority.self_signed(spec.name, spec.key_type, validity, serial_number)
        chain = [registered.certificate]
    code = registration_code(spec.sn)
    verification, _verification_key = registered.issue_leaf(code, validity)
    return {
        'description': spec.description,
        'data': {
            'RegistrationCode': code,
            'CaName': spec.name,
            'Sn': spec.sn,
            'CaContent': _pem_text(chain, spec.layout),
            'VerificationContent': _pem_text([verification], spec.layout),
            'ValidBegin': str(int(validity[0].timestamp()) * 1000),
            'ValidEnd': str(int(validity[1].timestamp()) * 1000),
            'Status': spec.status,
        },
    }


def _pem_text(certificates, layout):
    # As in the API documentation's samples: no final line break.
    text = ''.join(to_pem(certificate) for certificate in certificates).strip()
    return text.replace('\n', LINE_BREAKS[layout])


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
    ca_certificates: tuple  # the API's CA objects, in listing order
    list_total: str         # what ListCaCertificate's Total counts: 'items' or 'pages'
    owner: str = DEFAULT_ACCOUNT

    def find(self, sn):
        return next((ca for ca in self.ca_certificates if ca['Sn'] == sn), None)


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
    instances = {}
    for instance_id, entry in entries.items():
        _expect(isinstance(entry, dict) and isinstance(entry.get('ca_certificates'), list),
                f'instance {instance_id} needs a "ca_certificates" list')
        list_total = entry.get('list_total', 'items')
        _expect(list_total in LIST_TOTAL_MODES, f'instance {instance_id}: "list_total" must be one of {", ".join(LIST_TOTAL_MODES)}')
        owner = entry.get('owner', DEFAULT_ACCOUNT)
        _expect(_is_text(owner), f'instance {instance_id}: "owner" must be a non-empty string when given')
        instances[instance_id] = Instance(tuple(_read_ca(instance_id, ca) for ca in entry['ca_certificates']), list_total, owner)
        sns = [ca['Sn'] for ca in instances[instance_id].ca_certificates]
        _expect(len(sns) == len(set(sns)), f'instance {instance_id} lists an SN twice')
    return instances


def _read_ca(instance_id, entry):
    _expect(isinstance(entry, dict) and isinstance(entry.get('data'), dict) and _is_text(entry['data'].get('Sn')),
            f'each CA of instance {instance_id} needs a "data" object with a string "Sn"')
    return entry['data']
