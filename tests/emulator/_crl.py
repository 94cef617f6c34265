# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""Certificate revocation lists of the default fixture CAs (README.md, "Certificate revocation lists"): what each CA revoked,
and GET/POST /_emulator/crl/<ca_sn>.

The service has no revoked state: a revoked device certificate stays as it is on the instance; only the CRL says otherwise.
"""

import datetime
import json
import threading
import urllib.parse

from cryptography.hazmat.primitives import serialization

from _ca_keys import derived_key, holds_key_of
from _certificates import CertificateAuthority
from _default_fixtures import DEFAULT_CAS
from _errors import ApiError
from _fixtures import HEX_SN, UTC_TEXT

PATH_PREFIX = '/_emulator/crl/'
CONTENT_TYPES = {'pem': 'application/x-pem-file', 'der': 'application/pkix-crl'}
NEXT_UPDATE = datetime.timedelta(days=7)
# ?stale=1: a CRL issued 8 days ago whose nextUpdate passed a day ago.
STALE_AGE = datetime.timedelta(days=8)
DEFAULT_KEY_TYPES = {spec.sn: spec.key_type for spec in DEFAULT_CAS}


class Revocations:
    """What the CAs revoked: {instance ID: {CA SN: {device SN: revocation datetime}}}, from the fixtures' `revoked_at`, and those
    POST revokes while it runs; reset() goes back to the fixtures'. Deleting a device certificate leaves it revoked. Thread-safe."""

    def __init__(self, fixtures):
        self._fixtures = fixtures
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        revoked = {}
        for instance_id, instance in self._fixtures.instances().items():
            for ca_sn, device_sn, when in instance.revocations:
                revoked.setdefault(instance_id, {}).setdefault(ca_sn, {})[device_sn] = when
        with self._lock:
            self._revoked = revoked

    def of(self, instance_id, ca_sn):
        """[(device SN, revocation datetime), ...] of the CA, oldest first."""
        with self._lock:
            return sorted(self._revoked.get(instance_id, {}).get(ca_sn, {}).items(), key=lambda item: (item[1], item[0]))

    def revoke(self, instance_id, ca_sn, device_sns, when):
        """Revokes each at `when`; one revoked already keeps its date."""
        with self._lock:
            revoked = self._revoked.setdefault(instance_id, {}).setdefault(ca_sn, {})
            for device_sn in device_sns:
                revoked.setdefault(device_sn, when)


def answer_crl(request, emulator):
    """GET: the CA's CRL, ``(body bytes, content type)``; ?format=pem (default) or der, ?stale=1, ?instance_id=."""
    query = _query(request.query_string)
    instance_id, ca_sn, authority = _the_ca(request, emulator, query)
    output = query.get('format', 'pem')
    stale = query.get('stale', '0')
    if output not in CONTENT_TYPES or stale not in ('0', '1'):
        raise ApiError('ParameterFieldCheckFailed', 'CRL: "format" must be pem or der, "stale" 0 or 1.')
    now = _now(emulator)
    this_update = now - STALE_AGE if stale == '1' else now
    revoked = [(int(device_sn, 16), when) for device_sn, when in emulator.revocations.of(instance_id, ca_sn)]
    crl = authority.crl(revoked, this_update, this_update + NEXT_UPDATE, int(emulator.clock()))
    return crl.public_bytes(serialization.Encoding.PEM if output == 'pem' else serialization.Encoding.DER), CONTENT_TYPES[output]


def revoke_devices(request, emulator):
    """POST {"revoke": [device SN, ...]}: the CA revokes them now (all or, on any unknown SN, none); answers the CA's revocations."""
    instance_id, ca_sn, _authority = _the_ca(request, emulator, _query(request.query_string))
    emulator.revocations.revoke(instance_id, ca_sn, _devices_to_revoke(request.body, emulator, instance_id, ca_sn), _now(emulator))
    return {'instance_id': instance_id, 'ca_sn': ca_sn, 'revoked': [
        {'device_sn': device_sn, 'revoked_at': when.strftime(UTC_TEXT)} for device_sn, when in emulator.revocations.of(instance_id, ca_sn)]}


def _now(emulator):
    return datetime.datetime.fromtimestamp(int(emulator.clock()), datetime.timezone.utc)


def _the_ca(request, emulator, query):
    """(instance ID, CA SN, the CA with its key) of the request's path."""
    ca_sn = urllib.parse.unquote(request.path[len(PATH_PREFIX):])
    instance_id = _instance_of(emulator, ca_sn, query.get('instance_id'))
    return instance_id, ca_sn, _authority(emulator, instance_id, ca_sn)


def _query(query_string):
    try:
        pairs = urllib.parse.parse_qsl(query_string, keep_blank_values=True, strict_parsing=bool(query_string))
    except ValueError as exc:
        raise ApiError('ParameterFieldCheckFailed', f'CRL: undecodable query string: {exc}') from exc
    query = dict(pairs)
    unknown = set(query) - {'format', 'stale', 'instance_id'}
    if len(query) != len(pairs) or unknown:
        raise ApiError('ParameterFieldCheckFailed', 'CRL: the query parameters are format, stale and instance_id, each at most once.')
    return query


def _instance_of(emulator, ca_sn, instance_id):
    """The instance whose CA of SN `ca_sn` is meant: `instance_id`, or the only one holding such a CA."""
    if instance_id is not None:
        if emulator.fixtures.instance(instance_id) is None:
            raise ApiError('MqttInstanceNotFound')
        return instance_id
    holding = emulator.certificates.instances_holding_ca(ca_sn)
    if not holding:
        raise ApiError('FindCaBySnError', f'No instance has a CA of SN {ca_sn!r}.')
    if len(holding) > 1:
        raise ApiError('ParameterFieldCheckFailed', f'CRL: several instances have a CA of SN {ca_sn}: name one with ?instance_id=.')
    return holding[0]


def _authority(emulator, instance_id, ca_sn):
    """The CA with its private key; CaKeyNotHeld unless it is a default fixture CA carrying its derived key."""
    certificate = emulator.certificates.ca_certificate(instance_id, ca_sn)
    key_type = DEFAULT_KEY_TYPES.get(ca_sn)
    if certificate is None or not holds_key_of(ca_sn, key_type, certificate):
        raise ApiError('CaKeyNotHeld', f'CA {ca_sn} of instance {instance_id} is not one of the default fixtures\' CAs.')
    return CertificateAuthority(certificate, derived_key(ca_sn, key_type))


def _devices_to_revoke(body, emulator, instance_id, ca_sn):
    try:
        spec = json.loads(body or b'{}')
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError('ParameterFieldCheckFailed', f'CRL: the body is no JSON object: {exc}') from exc
    if not isinstance(spec, dict) or set(spec) != {'revoke'} or not isinstance(spec['revoke'], list) or not spec['revoke'] \
            or not all(isinstance(sn, str) for sn in spec['revoke']):
        raise ApiError('ParameterFieldCheckFailed', 'CRL: the body must be {"revoke": ["<device SN>", ...]} (at least one).')
    known = {device['DeviceSn'] for device in emulator.certificates.devices(instance_id, ca_sn)}
    unknown = [sn for sn in spec['revoke'] if sn not in known]
    if unknown:
        raise ApiError('ParameterFieldCheckFailed', f'CRL: CA {ca_sn} of instance {instance_id} has no device certificate {unknown[0]}; '
                                                    'nothing was revoked.')
    not_serials = [sn for sn in spec['revoke'] if HEX_SN.fullmatch(sn) is None]
    if not_serials:
        raise ApiError('ParameterFieldCheckFailed', f'CRL: device certificate {not_serials[0]}: its SN is no serial number in hex, '
                                                    'which a CRL lists; nothing was revoked.')
    return spec['revoke']
