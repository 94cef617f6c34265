# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""What changed in an instance's CAs (and device certificates) since the last look: the events of the event source
mqtt_ca_certificates, free of asyncio and of Ansible.

A ``CaWatch`` keeps what it saw in memory. Its first look establishes that state and reports only the CAs already
expired or past an expiry threshold, each once (the tightest threshold it is past); a look that fails changes nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ca_certificate_info import ca_certificate_facts
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._device_certificate_info import device_certificate_facts

EVENT_KEY = 'apsaramq'


class CaWatch:
    """``look(client, now_ms)`` -> ``(events, warnings)``; ``thresholds`` in days."""

    def __init__(self, instance_id, thresholds, include_device_certificates=False):
        self.instance_id = instance_id
        self.thresholds = sorted(set(thresholds), reverse=True)
        self.include_device_certificates = include_device_certificates
        self._cas = None  # {sn: _CaState}; None until the first look succeeds
        self._devices = None  # {(ca_sn, device_sn): facts}

    def look(self, client, now_ms):
        """Ask the API for every CA (and device certificate), then tell what changed. Raises ApsaraMQError, changing nothing."""
        cas, warnings = ca_certificate_facts(client, self.instance_id, None, now_ms)
        devices = None
        if self.include_device_certificates:
            devices, device_warnings = device_certificate_facts(client, self.instance_id, None, None, now_ms)
            warnings = warnings + device_warnings
        return self.changes(cas, devices), warnings

    def changes(self, cas, devices=None):
        """The events between the state kept and these facts (as the info modules describe them), which become the state."""
        first = self._cas is None
        previous = self._cas or {}
        events, current = [], {}
        for ca in cas:
            state = previous.get(ca['sn'])
            events.extend(_presence_events('ca', ca, state and state.facts, first, self._event))
            first_sight = state is None or state.facts['valid_end'] != ca['valid_end']
            if first_sight:  # a CA seen anew, or given another end, is reported as on a first look
                state = _CaState()
            events.extend(self._expiry_events(ca, state, first_sight))
            state.facts = ca
            current[ca['sn']] = state
        events.extend(self._event('ca_deleted', state.facts) for sn, state in previous.items() if sn not in current)
        self._cas = current
        if devices is not None:
            events.extend(self._device_changes(devices))
        return events

    def _expiry_events(self, ca, state, first_sight):
        if ca['expired']:
            if state.expired:
                return []
            state.expired = True
            return [self._event('ca_expired', ca)]
        crossed = [threshold for threshold in self.thresholds if ca['days_remaining'] <= threshold and threshold not in state.reported]
        state.reported.update(crossed)
        if first_sight:
            crossed = crossed[-1:]  # what is already past, once: the tightest threshold
        return [self._event('ca_expiring', ca, threshold=threshold) for threshold in crossed]

    def _device_changes(self, devices):
        first = self._devices is None
        previous = self._devices or {}
        events, current = [], {}
        for device in devices:
            key = (device['ca_sn'], device['device_sn'])
            events.extend(_presence_events('device_certificate', device, previous.get(key), first, self._device_event))
            current[key] = device
        events.extend(self._device_event('device_certificate_deleted', device) for key, device in previous.items() if key not in current)
        self._devices = current
        return events

    def _event(self, event_type, ca, threshold=None, previous_status=None):
        return {EVENT_KEY: {
            'type': event_type,
            'instance_id': self.instance_id,
            'sn': ca['sn'],
            'name': ca['name'],
            'status': ca['status'],
            'valid_end': ca['valid_end'],
            'days_remaining': ca['days_remaining'],
            'threshold': threshold,
            'previous_status': previous_status,
        }}

    def _device_event(self, event_type, device, previous_status=None):
        event = self._event(event_type, dict(device, sn=device['device_sn']), previous_status=previous_status)
        event[EVENT_KEY]['ca_sn'] = device['ca_sn']
        return event


def _presence_events(kind, facts, seen, first, event):
    """``<kind>_registered`` (never on the first look) or ``<kind>_status_changed``, from what was ``seen`` of it last."""
    if seen is None:
        return [] if first else [event(kind + '_registered', facts)]
    if seen['status'] != facts['status']:
        return [event(kind + '_status_changed', facts, previous_status=seen['status'])]
    return []


class _CaState:
    """What was seen of one CA and which of its expiry events were sent."""

    def __init__(self):
        self.facts = None
        self.reported = set()
        self.expired = False
