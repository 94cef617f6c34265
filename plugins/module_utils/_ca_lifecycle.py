# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The lifecycle of one CA certificate on an instance: find it, then register, activate, inactivate or delete it, so
that it ends as asked. Idempotent by content: a CA is known by the SHA-256 fingerprint of its certificate.

Plain Python on a client: everything that can be refused is refused before the first write, check mode sends no write,
and RegisterCaCertificate, which must not be carried out twice, is sent again only after a look that proves the CA
is not registered. No write lands on a CA that an answer or a listing paired with ``ca_pem`` before GetCaCertificate
has shown the certificate of ``ca_pem`` under that SN. Once the service may have acted, ``changed`` says so, also when
the task then fails.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ca_certificate import describe_ca
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._certificate import sha256_fingerprint, status_name
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApiError, ApsaraMQError, NotFoundError, OutcomeUnknownError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._onsmqtt import (
    check_ca_name, check_sn, count_device_certificates, delete_ca_certificate, get_ca_certificate, get_register_code, list_ca_certificates,
    register_ca_certificate, set_ca_status,
)
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._verification import (
    check_key_matches, check_unexpired, check_verification_pem, load_ca_certificate, load_ca_key, make_verification_pem,
)

_EPOCH = datetime.datetime(1970, 1, 1)
_STATUS_CODES = {'active': '1', 'inactive': '0'}
# After an answer that may or may not have registered the CA, and a look that found it absent: one more attempt at most.
_REGISTER_ATTEMPTS = 2
# What paired an SN with ca_pem, in the message that refuses a write when GetCaCertificate shows another certificate.
_LISTED = 'ListCaCertificate paired the certificate of ca_pem with'
_ANSWERED = 'RegisterCaCertificate answered with'


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
    """Brings one CA of ``instance_id`` to what a WantedCa says.

    ``new_client()``: the API client, asked for once the task's options passed every check; ``now``: an aware datetime;
    ``warn(text)``: tells the task's user. ``diff``: the task shows a diff, so a deletion counts the device certificates
    that go with the CA even with ``force``.
    """

    def __init__(self, new_client, instance_id, now, warn, check_mode=False, diff=False):
        self._new_client = new_client
        self._client = None
        self._instance_id = instance_id
        self._now = now.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        self._warn = warn
        self._check_mode = check_mode
        self._diff = diff
        self._confirmed = set()  # SNs under which GetCaCertificate showed the certificate of ca_pem
        self.changed = False
        self.certificate = None

    def outcome(self):
        """What a task that fails still reports: whether the service may have acted, and the CA as it stands when known."""
        return {'changed': self.changed, 'certificate': self.certificate}

    def ensure(self, wanted):
        """``(changed, certificate facts or None, diff)``."""
        ca_certificate, fingerprint, ca_key = self._checked(wanted)
        self._client = self._new_client()
        current = self._find(wanted.sn, fingerprint)
        if wanted.state == 'absent':
            return self._absent(current, fingerprint, wanted.force)
        if current is None:
            return self._register(wanted, ca_certificate, fingerprint, ca_key)
        return self._update(current, wanted, fingerprint)

    # --- before any request -----------------------------------------------------------------------------

    def _checked(self, wanted):
        """``(CA certificate, its fingerprint, CA key)`` once everything that can be refused without a request was checked."""
        if not wanted.sn and not wanted.ca_pem:
            raise ApsaraMQError('Give sn or ca_pem (or both) to say which CA')
        if wanted.state == 'absent' and wanted.status:
            raise ApsaraMQError('status goes with state: present; state: absent deletes the CA')
        if wanted.sn:
            check_sn(wanted.sn)
        if wanted.name:  # '' is no name: registering says that one is required
            check_ca_name(wanted.name)
        if not wanted.ca_pem:
            return None, None, None
        ca_certificate = load_ca_certificate(wanted.ca_pem)
        if wanted.state == 'present':
            check_unexpired(ca_certificate, self._now)
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
        if fingerprint:
            self._confirmed.add(sn)
        return found

    def _find_by_fingerprint(self, fingerprint):
        for data, request_id in list_ca_certificates(self._client, self._instance_id):
            if sha256_fingerprint(data.get('CaContent')) == fingerprint:
                return data, request_id
        return None

    def _confirmed_before_write(self, current, fingerprint, paired_by):
        """``current`` as GetCaCertificate shows it, once it showed the certificate of ca_pem under that SN.

        ``paired_by`` says what paired the SN with ca_pem (a listing, an answer): a server may pair it with another CA's
        certificate, and a write must not land on that other CA.
        """
        sn = current[0]['Sn']
        if fingerprint is None or sn in self._confirmed:
            return current
        found = get_ca_certificate(self._client, self._instance_id, sn)
        if sha256_fingerprint(found[0].get('CaContent')) != fingerprint:
            raise ApsaraMQError("%s SN %s, but GetCaCertificate shows another certificate than ca_pem's under that SN (request ID %s): nothing "
                                'was written to CA %s' % (paired_by, sn, found[1] or 'none', sn))
        self._confirmed.add(sn)
        return found

    def _write(self, write, *args):
        """``write(client, instance_id, *args)``; from the moment the service may have carried it out, answered or not, ``changed``."""
        try:
            result = write(self._client, self._instance_id, *args)
        except ApsaraMQError as exc:
            self.changed = self.changed or not exc.not_carried_out
            raise
        self.changed = True
        return result

    # --- changing ---------------------------------------------------------------------------------------

    def _absent(self, current, fingerprint, force):
        if current is None:
            return False, None, {'before': {}, 'after': {}}
        try:
            data = self._confirmed_before_write(current, fingerprint, _LISTED)[0]
        except NotFoundError:  # gone since the listing
            return False, None, {'before': {}, 'after': {}}
        before = _diff_view(data)
        if not force or self._diff:
            count, exact = count_device_certificates(self._client, self._instance_id, data['Sn'])
            shown = count if exact else 'at least %d' % count
            if count and not force:
                raise ApsaraMQError('CA %s has %s device certificate%s registered, and deleting the CA deletes them too: set force: true to '
                                    'delete them with it' % (data['Sn'], shown, '' if shown == 1 else 's'))
            before['device_certificates'] = shown
        if not self._check_mode:
            try:
                self._write(delete_ca_certificate, data['Sn'])
            except NotFoundError:  # gone already: a retry after a lost answer, or someone else's deletion
                pass
        return True, None, {'before': before, 'after': {}}

    def _update(self, current, wanted, fingerprint):
        data, request_id = current
        if wanted.status and status_name(data['Status']) != wanted.status:
            data, request_id = self._confirmed_before_write(current, fingerprint, _LISTED)
        if wanted.name and wanted.name != data.get('CaName'):
            self._warn('CA %s is named %r, not %r: the API cannot rename a CA, so its name stays' % (data['Sn'], data.get('CaName'), wanted.name))
        after = data
        if wanted.status and status_name(data['Status']) != wanted.status:
            if not self._check_mode:
                self._write(set_ca_status, data['Sn'], wanted.status == 'active')
            after = dict(data, Status=_STATUS_CODES[wanted.status])
        self.certificate = self._facts(after, request_id)
        return after is not data, self.certificate, {'before': _diff_view(data), 'after': _diff_view(after)}

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
        if self._check_mode:
            return True, None, {'before': {}, 'after': {'sn': None, 'name': wanted.name, 'status': status}}
        sn, paired_by, registered_here = self._register_once(wanted.name, wanted.ca_pem, verification_pem, fingerprint)
        self.changed = registered_here
        current = self._confirmed_before_write(({'Sn': sn}, None), fingerprint, paired_by)
        if not registered_here:  # refused, as another task registered the CA meanwhile: what is left is its status
            return self._update(current, wanted, fingerprint)
        data, request_id = current
        self.certificate = self._facts(data, request_id)
        if status == 'inactive' and status_name(data['Status']) != 'inactive':
            try:
                self._write(set_ca_status, sn, False)
            except ApsaraMQError as exc:
                exc.add_context('CA %s was registered, and is active as the service registers every CA, but inactivating it failed, so status: '
                                'inactive is still to be done (run the task again)' % sn)
                raise
            data = dict(data, Status=_STATUS_CODES['inactive'])
            self.certificate = self._facts(data, request_id)
        return True, self.certificate, {'before': {}, 'after': _diff_view(data)}

    def _register_once(self, name, ca_pem, verification_pem, fingerprint):
        """``(SN, what paired it with ca_pem, whether this task registered it)`` of the CA, never registering it twice:
        after an answer that may have registered it, look first. After a refusal, look too: another task may have
        registered the CA meanwhile (the refusal is then "already registered"), and this one did not."""
        for attempt in range(1, _REGISTER_ATTEMPTS + 1):
            try:
                return register_ca_certificate(self._client, self._instance_id, name, ca_pem, verification_pem), _ANSWERED, True
            except OutcomeUnknownError as exc:
                self.changed = True  # the service may have registered it: so says a failure of the look below
                found = self._find_by_fingerprint(fingerprint)
                if found is not None:
                    return found[0]['Sn'], _LISTED, True
                self.changed = False  # the look shows it was not
                if attempt == _REGISTER_ATTEMPTS:
                    exc.add_detail('the CA was not registered, as a look at the instance after each of %d attempts showed' % attempt)
                    raise
            except ApiError:
                found = self._find_by_fingerprint(fingerprint)
                if found is None:
                    raise
                return found[0]['Sn'], _LISTED, False

    def _facts(self, data, request_id):
        facts, warnings = describe_ca(data, request_id, _epoch_ms(self._now))
        for warning in warnings:
            self._warn(warning)
        return facts


def _diff_view(data):
    return {'sn': data['Sn'], 'name': data.get('CaName'), 'status': status_name(data['Status'])}


def _epoch_ms(moment):
    return int((moment - _EPOCH).total_seconds() * 1000)
