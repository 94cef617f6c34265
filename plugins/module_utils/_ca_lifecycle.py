# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The lifecycle of one CA certificate on an instance: find it, then register, activate, inactivate or delete it, so
that it ends as asked. Idempotent by content: a CA is known by the SHA-256 fingerprint of its certificate.

Plain Python on a client: everything that can be refused is refused before the first write, check mode sends no write,
and RegisterCaCertificate, which must not be carried out twice, is sent again only after a look that proves the CA
is not registered.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ca_certificate import describe_ca
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._certificate import sha256_fingerprint, status_name
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError, NotFoundError, OutcomeUnknownError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._onsmqtt import (
    check_sn, count_device_certificates, delete_ca_certificate, get_ca_certificate, get_register_code, list_ca_certificates,
    register_ca_certificate, set_ca_status,
)
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._verification import (
    check_key_matches, check_verification_pem, load_ca_certificate, load_ca_key, make_verification_pem,
)

_EPOCH = datetime.datetime(1970, 1, 1)
_STATUS_CODES = {'active': '1', 'inactive': '0'}
# After an answer that may or may not have registered the CA, and a look that found it absent: one more attempt at most.
_REGISTER_ATTEMPTS = 2


def read_key_file(path, passphrase):
    """``(PEM bytes, passphrase, source)`` of the CA's private key at ``path``, None without a path."""
    if not path:
        return None
    try:
        with open(path, 'rb') as key_file:
            return key_file.read(), passphrase, 'ca_private_key_path %s' % path
    except (IOError, OSError) as exc:
        raise ApsaraMQError('Cannot read ca_private_key_path %s: %s' % (path, exc.strerror or exc)) from None


class WantedCa:
    """What a task asks for. ``ca_key``: ``(PEM bytes, passphrase, source)`` of the CA's private key, or None."""

    def __init__(self, state='present', sn=None, ca_pem=None, name=None, status=None, verification_pem=None, ca_key=None, force=False):
        self.state = state
        self.sn = sn
        self.ca_pem = ca_pem
        self.name = name
        self.status = status
        self.verification_pem = verification_pem
        self.ca_key = ca_key
        self.force = force


class CaLifecycle:
    """Brings one CA of ``instance_id`` to what a WantedCa says; ``warnings``: what the task should warn of.

    ``new_client()``: the API client, asked for once the task's options passed every check; ``now``: an aware datetime.
    """

    def __init__(self, new_client, instance_id, now, check_mode=False):
        self._new_client = new_client
        self._client = None
        self._instance_id = instance_id
        self._now = now.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        self._check_mode = check_mode
        self.warnings = []

    def ensure(self, wanted):
        """``(changed, certificate facts or None, diff)``."""
        ca_certificate, fingerprint, ca_key = self._checked(wanted)
        self._client = self._new_client()
        current = self._find(wanted.sn, fingerprint)
        if wanted.state == 'absent':
            return self._absent(current, wanted.force)
        if current is None:
            return self._register(wanted, ca_certificate, fingerprint, ca_key)
        return self._update(current, wanted)

    # --- before any request -----------------------------------------------------------------------------

    def _checked(self, wanted):
        """``(CA certificate, its fingerprint, CA key)`` once everything that can be refused without a request was checked."""
        if not wanted.sn and not wanted.ca_pem:
            raise ApsaraMQError('Give sn or ca_pem (or both) to say which CA')
        if wanted.state == 'absent' and wanted.status:
            raise ApsaraMQError('status goes with state: present; state: absent deletes the CA')
        if wanted.sn:
            check_sn(wanted.sn)
        if not wanted.ca_pem:
            return None, None, None
        ca_certificate = load_ca_certificate(wanted.ca_pem)
        fingerprint = sha256_fingerprint(wanted.ca_pem)
        ca_key = None
        if wanted.state == 'present' and wanted.ca_key is not None:
            key_pem, passphrase, source = wanted.ca_key
            ca_key = load_ca_key(key_pem, passphrase, source)
            check_key_matches(ca_certificate, ca_key, source)
        return ca_certificate, fingerprint, ca_key

    # --- looking ----------------------------------------------------------------------------------------

    def _find(self, sn, fingerprint):
        """``(data, request_id)`` of the CA named by ``sn`` or having ``fingerprint``, or None when the instance has none."""
        if not sn:
            return self._find_by_fingerprint(fingerprint)
        try:
            found = get_ca_certificate(self._client, self._instance_id, sn)
        except NotFoundError:
            return None
        if fingerprint and sha256_fingerprint(found[0].get('CaContent')) != fingerprint:
            raise ApsaraMQError('ca_pem and sn name different CAs: the CA of SN %s has another certificate; give one of them, or both of the '
                                'same CA' % sn)
        return found

    def _find_by_fingerprint(self, fingerprint):
        for data, request_id in list_ca_certificates(self._client, self._instance_id):
            if sha256_fingerprint(data.get('CaContent')) == fingerprint:
                return data, request_id
        return None

    # --- changing ---------------------------------------------------------------------------------------

    def _absent(self, current, force):
        if current is None:
            return False, None, {'before': {}, 'after': {}}
        data = current[0]
        if not force:
            any_device, total = count_device_certificates(self._client, self._instance_id, data['Sn'])
            if any_device:
                raise ApsaraMQError('CA %s has %s device certificate%s registered, and deleting the CA deletes them too: set force: true to '
                                    'delete them with it' % (data['Sn'], total or 'at least 1', '' if total == 1 else 's'))
        if not self._check_mode:
            try:
                delete_ca_certificate(self._client, self._instance_id, data['Sn'])
            except NotFoundError:  # gone already: a retry after a lost answer, or someone else's deletion
                pass
        return True, None, {'before': _diff_view(data), 'after': {}}

    def _update(self, current, wanted):
        data, request_id = current
        if wanted.name and wanted.name != data.get('CaName'):
            self.warnings.append('CA %s is named %r, not %r: the API cannot rename a CA, so its name stays'
                                 % (data['Sn'], data.get('CaName'), wanted.name))
        after = data
        if wanted.status and status_name(data['Status']) != wanted.status:
            if not self._check_mode:
                set_ca_status(self._client, self._instance_id, data['Sn'], wanted.status == 'active')
            after = dict(data, Status=_STATUS_CODES[wanted.status])
        return after is not data, self._facts(after, request_id), {'before': _diff_view(data), 'after': _diff_view(after)}

    def _register(self, wanted, ca_certificate, fingerprint, ca_key):
        if wanted.sn:
            raise ApsaraMQError('The instance has no CA of SN %s; to register a CA, give its ca_pem without sn' % wanted.sn)
        if not wanted.name:
            raise ApsaraMQError('name is required to register the CA of ca_pem, which the instance does not have yet')
        if ca_key is None and not wanted.verification_pem:
            raise ApsaraMQError('To register the CA of ca_pem, give ca_private_key or ca_private_key_path (the module then makes the '
                                'verification certificate), or verification_pem')
        code = get_register_code(self._client, self._instance_id)
        if ca_key is not None:
            verification_pem = make_verification_pem(ca_certificate, ca_key, code, self._now)
        else:
            check_verification_pem(wanted.verification_pem, ca_certificate, code)
            verification_pem = wanted.verification_pem
        status = wanted.status or 'active'
        after = {'sn': None, 'name': wanted.name, 'status': status}
        if self._check_mode:
            return True, None, {'before': {}, 'after': after}
        sn = self._register_once(wanted.name, wanted.ca_pem, verification_pem, fingerprint)
        if status == 'inactive':
            set_ca_status(self._client, self._instance_id, sn, False)
        data, request_id = get_ca_certificate(self._client, self._instance_id, sn)
        return True, self._facts(data, request_id), {'before': {}, 'after': _diff_view(data)}

    def _register_once(self, name, ca_pem, verification_pem, fingerprint):
        """The SN of the CA registered, never registering it twice: after an answer that may have registered it, look first."""
        for attempt in range(1, _REGISTER_ATTEMPTS + 1):
            try:
                return register_ca_certificate(self._client, self._instance_id, name, ca_pem, verification_pem)
            except OutcomeUnknownError as exc:
                found = self._find_by_fingerprint(fingerprint)
                if found is not None:
                    return found[0]['Sn']
                if attempt == _REGISTER_ATTEMPTS:
                    exc.add_detail('the CA was not registered, as a look at the instance after each of %d attempts showed' % attempt)
                    raise

    def _facts(self, data, request_id):
        facts, warnings = describe_ca(data, request_id, _epoch_ms(self._now))
        self.warnings.extend(warnings)
        return facts


def _diff_view(data):
    return {'sn': data['Sn'], 'name': data.get('CaName'), 'status': status_name(data['Status'])}


def _epoch_ms(moment):
    return int((moment - _EPOCH).total_seconds() * 1000)
