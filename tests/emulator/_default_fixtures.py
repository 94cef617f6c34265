# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""The default fixtures, generated afresh: real certificates with dates relative to now (README.md, "Default fixtures").

Private keys exist only while generating and are never written.
"""

import dataclasses
import datetime

from cryptography.hazmat.primitives.asymmetric import rsa

from _ca_keys import derived_key
from _certificates import KEY_GENERATORS, LEAF_KEY_TYPE, CertificateAuthority, epoch_ms, to_pem
from _fixtures import FORMAT_NAME, FORMAT_VERSION, registration_code

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
MAX_BULK_DEVICES = 100000

# How CaContent/VerificationContent/DeviceContent are written: the API documents "\n" as its line break, and clients
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


KEY_OWN, KEY_WEAK, KEY_CLONED = 'own', 'weak', 'cloned'
WEAK_RSA_BITS = 1024


@dataclasses.dataclass(frozen=True)
class DeviceSpec:
    """One device certificate, issued by the default CA of SN `ca_sn`; validity in days relative to generation time."""

    sn: str
    ca_sn: str
    name: str
    status: str
    valid_from_days: float
    valid_until_days: float
    description: str = None
    revoked_days: float = None  # when revoked by its CA (on its CRL), in days relative to generation time; None: never
    key: str = KEY_OWN  # KEY_OWN: a key of its own; KEY_WEAK: an RSA-1024 key of its own; KEY_CLONED + a group: one key per group
    signature_hash: str = 'sha256'  # 'sha256' or 'sha1': the hash its CA signs it with


DEFAULT_DEVICES = (
    DeviceSpec('00dec1ce0100000001', '00e0a1c0ffee000001', 'emulator-device-rsa-active', '1', -1, 365,
               'Active device certificate of the everyday CA.'),
    DeviceSpec('00dec1ce0100000002', '00e0a1c0ffee000001', 'emulator-device-rsa-inactive', '0', -1, 365,
               'Inactive (Status "0") device certificate: a locked-out device, revoked by its CA 3 days before generation.', revoked_days=-3),
    DeviceSpec('00dec1ce0200000001', '00e0a1c0ffee000002', 'emulator-device-ec-active', '1', -1, 730,
               'Active device certificate of the EC P-256 CA, revoked by its CA 2 days before generation: still active on the instance, '
               'which has no revoked state.', revoked_days=-2),
    DeviceSpec('00dec1ce0200000002', '00e0a1c0ffee000002', 'emulator-device-ec-expiring', '1', -1, 5.5,
               'Active device certificate expiring 5.5 days after generation (5 whole days remaining).'),
    DeviceSpec('00dec1ce0500000001', '00e0a1c0ffee000005', 'emulator-device-expired', '1', -300, -5,
               'Device certificate that expired 5 days ago, although its status is still active.'),
    DeviceSpec('00dec1ce0600000001', '00e0a1c0ffee000006', 'emulator-device-chain-active', '1', -1, 365,
               'Active device certificate issued by the intermediate CA of the chain, with CRLF line ends.'),
    DeviceSpec('00dec1ce0600000002', '00e0a1c0ffee000006', 'emulator-device-chain-inactive', '0', -1, 365,
               'Inactive device certificate issued by the intermediate CA of the chain, with CRLF line ends.'),
)
# Issued by the default CAs but never registered: what a device connecting for the first time presents (POST /_emulator/connect).
SPARE_DEVICES = (
    DeviceSpec('00dec1ce0100000101', '00e0a1c0ffee000001', 'emulator-spare-rsa', '1', -1, 365,
               'Not registered; its CA is active: connecting registers it, active.'),
    DeviceSpec('00dec1ce0100000102', '00e0a1c0ffee000001', 'emulator-spare-rsa-expired', '1', -1, -0.5,
               'Not registered and expired: connecting is refused.'),
    DeviceSpec('00dec1ce0300000101', '00e0a1c0ffee000003', 'emulator-spare-of-inactive-ca', '1', -1, 365,
               'Not registered; its CA is inactive: connecting is refused.'),
)
# --device-certificates N: issued in turn by these CAs (active, valid for years, one key type and layout each).
BULK_ISSUERS = ('00e0a1c0ffee000001', '00e0a1c0ffee000002', '00e0a1c0ffee000006', '00e0a1c0ffee000007')
# --spare-device-certificates N: by the CAs whose content has plain line breaks, so that each spare's data is what the API
# shows once it is registered (the broker writes DeviceContent with plain line breaks).
BULK_SPARE_ISSUERS = ('00e0a1c0ffee000001', '00e0a1c0ffee000002')


# --device-certificates N: the odd ones of each block of 1000 (index % 1000), for the posture audit to find (README.md,
# "Thousands of device certificates"). The issuer is index % 4, so each odd one has a fixed CA.
BLOCK = 1000
WEAK_KEY, SHA1_SIGNATURE = 1, 8                    # by CA ...02 (an RSA 1024 key); by CA ...01 (RSA, signed with SHA-1)
CLONED = (4, 5, 6)                                 # by CAs ...01, ...02, ...06: one public key per block for the three
REVOKED_ACTIVE, REVOKED_INACTIVE = 12, 19          # by CA ...01, active; by CA ...07, inactive (every 10th is): on their CA's CRL
EXPIRING, OLD, OUTLIVES_CA = 13, 14, 22            # by CA ...02; by CA ...06 (from 400 days ago); by CA ...06 (to +1125 days, its CA +1095)
EXPIRING_DAYS, OLD_FROM_DAYS, OUTLIVES_CA_DAYS = 3.5, -400, 1125
REVOKED_DAYS = -1


def bulk_device(index):
    """The index-th bulk device: every 10th inactive, every 50th expired (valid for a day that ended 12 hours ago),
    the rest valid from 1 to 730 days more, spread evenly; and, once per block of 1000, the odd ones above."""
    expired = index % 50 == 25
    odd = index % BLOCK
    until = -0.5 if expired else EXPIRING_DAYS if odd == EXPIRING else OUTLIVES_CA_DAYS if odd == OUTLIVES_CA else 1 + index * 37 % 730
    return DeviceSpec(
        sn=f'00b017{index:012x}', ca_sn=BULK_ISSUERS[index % len(BULK_ISSUERS)], name=f'emulator-bulk-device-{index:06d}',
        status='0' if index % 10 == 9 else '1', valid_from_days=OLD_FROM_DAYS if odd == OLD else -1, valid_until_days=until,
        revoked_days=REVOKED_DAYS if odd in (REVOKED_ACTIVE, REVOKED_INACTIVE) else None,
        key=KEY_WEAK if odd == WEAK_KEY else f'{KEY_CLONED}-{index // BLOCK}' if odd in CLONED else KEY_OWN,
        signature_hash='sha1' if odd == SHA1_SIGNATURE else 'sha256',
    )


def bulk_spare(index):
    """The index-th bulk spare: issued, never registered, active and valid from 1 to 730 days more, for a fleet that grows."""
    return DeviceSpec(sn=f'00b5a7{index:012x}', ca_sn=BULK_SPARE_ISSUERS[index % len(BULK_SPARE_ISSUERS)], name=f'emulator-bulk-spare-{index:06d}',
                      status='1', valid_from_days=-1, valid_until_days=1 + index * 37 % 730)


def generate_default_fixtures(now=None, bulk_devices=0, bulk_spares=0):
    """The default fixture document (JSON-ready), with certificates valid relative to `now`, `bulk_devices` more device
    certificates and `bulk_spares` more spare ones."""
    if not (0 <= bulk_devices <= MAX_BULK_DEVICES and 0 <= bulk_spares <= MAX_BULK_DEVICES):
        raise ValueError(f'the number of bulk device certificates (registered or spare) must be from 0 to {MAX_BULK_DEVICES}')
    now = (now or datetime.datetime.now(datetime.timezone.utc)).replace(microsecond=0)
    code = registration_code(MAIN_INSTANCE_ID)
    authorities = {}  # SN -> (CaSpec, the registered CertificateAuthority)
    cas = []
    for spec in DEFAULT_CAS:
        entry, authorities[spec.sn] = _generate_ca(spec, now, code)
        cas.append(entry)
    keys = DeviceKeys()
    devices = [_generate_device(spec, authorities, keys, now) for spec in DEFAULT_DEVICES]
    devices.extend(_generate_device(bulk_device(index), authorities, keys, now) for index in range(bulk_devices))
    return {
        'format': FORMAT_NAME,
        'version': FORMAT_VERSION,
        'generated_at': utc_text(now),
        'credentials': [dict(credential) for credential in
                        (PERMANENT_CREDENTIAL, TEMPORARY_CREDENTIAL, OTHER_ACCOUNT_CREDENTIAL, NO_PERMISSION_CREDENTIAL)],
        'instances': {
            MAIN_INSTANCE_ID: {
                'description': 'Platinum instance holding one CA of each kind a client must handle, and device certificates of some.',
                'registration_code': code,
                'ca_certificates': cas,
                'device_certificates': devices,
                'spare_device_certificates': [_generate_device(spec, authorities, keys, now)
                                              for spec in SPARE_DEVICES + tuple(bulk_spare(index) for index in range(bulk_spares))],
            },
            EMPTY_INSTANCE_ID: {
                'description': 'Instance without any CA.',
                'registration_code': registration_code(EMPTY_INSTANCE_ID),
                'ca_certificates': [],
                'device_certificates': [],
            },
        },
    }


def _validity(now, valid_from_days, valid_until_days):
    return now + datetime.timedelta(days=valid_from_days), now + datetime.timedelta(days=valid_until_days)


def _generate_ca(spec, now, code):
    """The CA's fixture entry, and the CA with its key for issuing device certificates."""
    validity = _validity(now, spec.valid_from_days, spec.valid_until_days)
    serial_number = int(spec.sn, 16)
    # Its key is derived from its SN: an emulator serving these fixtures from a file holds it too, to sign CRLs.
    private_key = derived_key(spec.sn, spec.key_type)
    if spec.layout == LAYOUT_CHAIN_CRLF:
        root = CertificateAuthority.self_signed(f'{spec.name} root', 'rsa', validity)
        registered = root.issue_ca(spec.name, spec.key_type, validity, serial_number, private_key)
        chain = [registered.certificate, root.certificate]
    else:
        registered = CertificateAuthority.self_signed(spec.name, spec.key_type, validity, serial_number, private_key)
        chain = [registered.certificate]
    verification, _verification_key = registered.issue_leaf(code, validity)
    entry = {
        'description': spec.description,
        'data': {
            'RegistrationCode': code,
            'CaName': spec.name,
            'Sn': spec.sn,
            'CaContent': _pem_text(chain, spec.layout),
            'VerificationContent': _pem_text([verification], spec.layout),
            'ValidBegin': epoch_ms(validity[0]),
            'ValidEnd': epoch_ms(validity[1]),
            'Status': spec.status,
        },
    }
    return entry, (spec, registered)


class DeviceKeys:
    """The public keys of the device certificates (only the public key is needed): each its own, but one per cloned group."""

    def __init__(self):
        self._cloned = {}

    def public_key(self, kind):
        if kind == KEY_WEAK:
            return rsa.generate_private_key(public_exponent=65537, key_size=WEAK_RSA_BITS).public_key()
        if kind == KEY_OWN:
            return KEY_GENERATORS[LEAF_KEY_TYPE]().public_key()
        if kind not in self._cloned:
            self._cloned[kind] = KEY_GENERATORS[LEAF_KEY_TYPE]().public_key()
        return self._cloned[kind]


def _generate_device(spec, authorities, keys, now):
    ca_spec, authority = authorities[spec.ca_sn]
    validity = _validity(now, spec.valid_from_days, spec.valid_until_days)
    serial_number, public_key = int(spec.sn, 16), keys.public_key(spec.key)
    if spec.signature_hash == 'sha1':
        certificate = authority.issue_leaf_sha1(spec.name, validity, serial_number, public_key)
    else:
        certificate, _no_key = authority.issue_leaf(spec.name, validity, serial_number=serial_number, public_key=public_key)
    # Keys in the SDK's order.
    data = {
        'CaSn': spec.ca_sn,
        'DeviceContent': _pem_text([certificate], ca_spec.layout),
        'DeviceName': spec.name,
        'DeviceSn': spec.sn,
        'Status': spec.status,
        'ValidBegin': epoch_ms(validity[0]),
        'ValidEnd': epoch_ms(validity[1]),
    }
    entry = {'description': spec.description} if spec.description else {}
    if spec.revoked_days is not None:
        entry['revoked_at'] = utc_text(now + datetime.timedelta(days=spec.revoked_days))
    entry['data'] = data
    return entry


def utc_text(moment):
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def _pem_text(certificates, layout):
    # As in the API documentation's samples: no final line break.
    text = ''.join(to_pem(certificate) for certificate in certificates).strip()
    return text.replace('\n', LINE_BREAKS[layout])
