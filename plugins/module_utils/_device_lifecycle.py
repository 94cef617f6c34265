# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Device certificates of one CA brought to a status, or deleted, many in one task: looked up concurrently, only those
that differ written, concurrently too. There is no API to register a device certificate: the broker registers one when
a device first connects with it, so ``present`` never creates."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._certificate import status_name
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._device_certificate import DEVICE_FIELDS, describe_devices
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError, NotFoundError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._fan_out import fetch_each
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._onsmqtt import delete_device_certificate, get_device_certificate, set_device_status

_STATUS_CODES = {'active': '1', 'inactive': '0'}
ABSENT = 'absent'


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
        """``(changed, device certificates after the task in the order given, diff)``; a deleted one is left out."""
        if state == ABSENT and status:
            raise ApsaraMQError('status goes with state: present; state: absent deletes the registrations')
        distinct = list(dict.fromkeys(device_sns))
        current = self._each(distinct, self._look)
        if state == ABSENT:
            to_change = [device_sn for device_sn in distinct if current[device_sn] is not None]
            self._write(to_change, self._delete)
            after = dict((device_sn, None) for device_sn in distinct)
        else:
            missing = [device_sn for device_sn in distinct if current[device_sn] is None]
            if missing:
                raise ApsaraMQError('CA %s has no registered device certificate of SN %s: device certificates cannot be created, the broker '
                                    'registers one when a device first connects with it' % (self._ca_sn, ', '.join(missing)))
            to_change = [device_sn for device_sn in distinct if status and status_name(current[device_sn][0]['Status']) != status]
            self._write(to_change, lambda device_sn: set_device_status(self._client, self._instance_id, self._ca_sn, device_sn, status == 'active'))
            after = dict((device_sn, (dict(data, Status=_STATUS_CODES[status]) if device_sn in to_change else data, request_id))
                         for device_sn, (data, request_id) in current.items())
        kept = [device_sn for device_sn in distinct if after[device_sn] is not None]
        certificates, self.warnings = describe_devices([after[device_sn] for device_sn in kept], self._now_ms)
        by_sn = dict(zip(kept, certificates))
        diff = {'before': _statuses(current), 'after': _statuses(after)}
        return bool(to_change), [dict(by_sn[device_sn]) for device_sn in device_sns if device_sn in by_sn], diff

    def _look(self, device_sn):
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

    def _write(self, device_sns, write):
        if device_sns and not self._check_mode:
            self._each(device_sns, write)

    def _each(self, device_sns, request):
        return fetch_each(device_sns, request, self._max_concurrency, 'device SN %s')


def _statuses(answers):
    """{device SN: active, inactive or absent}, for the diff."""
    return dict((device_sn, status_name(answer[0]['Status']) if answer else ABSENT) for device_sn, answer in answers.items())
