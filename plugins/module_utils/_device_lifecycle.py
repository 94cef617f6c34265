# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Device certificates of one CA brought to a status, or deleted, many in one task: looked up concurrently, only those
that differ written, concurrently too. There is no API to register a device certificate: the broker registers one when
a device first connects with it, so ``present`` never creates.

The lookups fail fast (nothing has been written then); the writes do not: every one is tried, and one whose answer
leaves open whether it was carried out is settled by reading the device certificate again."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._certificate import status_name
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._device_certificate import DEVICE_FIELDS, describe_devices
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApiError, ApsaraMQError, NotFoundError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._fan_out import fetch_each, try_each
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._onsmqtt import delete_device_certificate, get_device_certificate, set_device_status

_STATUS_CODES = {'active': '1', 'inactive': '0'}
ABSENT = 'absent'
_DONE = {'active': 'activated', 'inactive': 'inactivated', ABSENT: 'deleted'}
# A failure message names this many device certificates with their reasons; failed_device_sns has them all.
NAMED_FAILURES = 3


class DeviceOutcome(namedtuple('DeviceOutcome', 'changed_device_sns failures certificates diff wanted')):
    """What a task did: the SNs it changed (would change, in check mode) and ``failures`` ``[(SN, ApsaraMQError)]``, in
    the order given; the device certificates after the task (a deleted one left out; a failed one as it was before), the
    diff, and ``wanted``: the status or ``absent`` written."""

    __slots__ = ()

    @property
    def changed(self):
        return bool(self.changed_device_sns)

    def failed_device_sns(self):
        """One dict per failed write: ``device_sn``, ``msg``, and ``error``, the API's error fields or None."""
        return [{'device_sn': device_sn, 'msg': str(error), 'error': error.as_dict() if isinstance(error, ApiError) else None}
                for device_sn, error in self.failures]

    def failure_message(self):
        """One line: how many writes failed of how many were tried, the first few SNs with their reasons."""
        named = ', '.join('%s (%s)' % (device_sn, error) for device_sn, error in self.failures[:NAMED_FAILURES])
        more = len(self.failures) - NAMED_FAILURES
        return '%d of %d device certificates could not be %s: %s%s' % (
            len(self.failures), len(self.failures) + len(self.changed_device_sns), _DONE[self.wanted], named,
            '; and %d more, see failed_device_sns' % more if more > 0 else '')

    def first_api_error(self):
        """The API's error fields of the first failure that has them, or None."""
        return next((error.as_dict() for dummy, error in self.failures if isinstance(error, ApiError)), None)

    def return_values(self):
        """The module's return values, on success as on failure; ``error`` only when a failure has the API's fields."""
        values = dict(changed=self.changed, changed_device_sns=self.changed_device_sns, failed_device_sns=self.failed_device_sns(),
                      device_certificates=self.certificates, diff=self.diff)
        error = self.first_api_error()
        if error:
            values['error'] = error
        return values


class DeviceLifecycle:
    """The device certificates ``device_sns`` of the CA ``ca_sn`` on ``instance_id``; ``warnings`` after ``ensure``."""

    def __init__(self, client, instance_id, ca_sn, now_ms, check_mode=False, max_concurrency=1):
        self._client = client
        self._instance_id = instance_id
        self._ca_sn = ca_sn
        self._now_ms = now_ms
        self._check_mode = check_mode
        self._max_concurrency = max_concurrency
        self.warnings = []

    def ensure(self, device_sns, state='present', status=None):
        """A DeviceOutcome; the certificates in the order given, a device certificate asked twice returned twice."""
        if state == ABSENT and status:
            raise ApsaraMQError('status goes with state: present; state: absent deletes the registrations')
        distinct = list(dict.fromkeys(device_sns))
        current = fetch_each(distinct, self._look, self._max_concurrency, 'device SN %s')
        if state == ABSENT:
            to_change = [device_sn for device_sn in distinct if current[device_sn] is not None]
            changed, failures = self._write(to_change, self._delete, ABSENT)
            after = dict((device_sn, None if device_sn in changed else answer) for device_sn, answer in current.items())
        else:
            missing = [device_sn for device_sn in distinct if current[device_sn] is None]
            if missing:
                raise ApsaraMQError('CA %s has no registered device certificate of SN %s: device certificates cannot be created, the broker '
                                    'registers one when a device first connects with it' % (self._ca_sn, ', '.join(missing)))
            to_change = [device_sn for device_sn in distinct if status and _status_of(current[device_sn]) != status]
            changed, failures = self._write(
                to_change, lambda device_sn: set_device_status(self._client, self._instance_id, self._ca_sn, device_sn, status == 'active'), status)
            after = dict((device_sn, (dict(data, Status=_STATUS_CODES[status]) if device_sn in changed else data, request_id))
                         for device_sn, (data, request_id) in current.items())
        kept = [device_sn for device_sn in distinct if after[device_sn] is not None]
        certificates, self.warnings = describe_devices([after[device_sn] for device_sn in kept], self._now_ms)
        by_sn = dict(zip(kept, certificates))
        diff = {'before': _statuses(current), 'after': _statuses(after)}
        return DeviceOutcome([device_sn for device_sn in to_change if device_sn in changed], list(failures.items()),
                             [dict(by_sn[device_sn]) for device_sn in device_sns if device_sn in by_sn], diff, state if state == ABSENT else status)

    def _look(self, device_sn):
        """``(data, request ID)`` of the device certificate, None when it is not registered."""
        try:
            answer = get_device_certificate(self._client, self._instance_id, self._ca_sn, device_sn)
        except NotFoundError:
            return None
        try:
            DEVICE_FIELDS.checked_sn(answer[0])  # before any write is decided on it
        except ValueError as exc:
            raise ApsaraMQError('The API answered with device certificate data this collection cannot read: %s (request ID %s)'
                                % (exc, answer[1] or 'none')) from None
        return answer

    def _delete(self, device_sn):
        try:
            delete_device_certificate(self._client, self._instance_id, self._ca_sn, device_sn)
        except NotFoundError:  # gone already: a retry after a lost answer, or someone else's deletion
            pass

    def _write(self, device_sns, write, wanted):
        """``(SNs changed, {SN: failure})``: every write tried; in check mode none is sent, and each would change."""
        if self._check_mode:
            return set(device_sns), {}

        def settled_write(device_sn):
            try:
                write(device_sn)
            except ApsaraMQError as exc:
                if exc.not_carried_out:
                    raise
                confirm_written(exc, lambda: self._look(device_sn), wanted)
        changed, failures = try_each(device_sns, settled_write, self._max_concurrency)
        return set(changed), failures


def confirm_written(failure, read_again, wanted):
    """After a write that failed leaving open whether the service carried it out (a 5xx after acting, an answer lost or
    unreadable): returns when ``read_again()``, the device certificate's ``(data, request ID)`` now or None when it is
    not registered, shows it ``wanted`` (a status, or absent); else raises ``failure``, saying what the re-read found."""
    try:
        answer = read_again()
    except ApsaraMQError as exc:
        failure.add_detail('reading the device certificate again, to learn whether it was written, failed too: %s' % exc)
        raise failure
    found = _status_of(answer)
    if found != wanted:
        failure.add_detail('read again, it is %s' % ('not registered' if found == ABSENT else found))
        raise failure


def _status_of(answer):
    """active, inactive or absent, of a ``(data, request ID)`` answer or None."""
    return status_name(answer[0]['Status']) if answer else ABSENT


def _statuses(answers):
    """{device SN: active, inactive or absent}, for the diff."""
    return dict((device_sn, _status_of(answer)) for device_sn, answer in answers.items())
