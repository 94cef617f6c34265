# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""What changed in an instance's CAs (and device certificates) since the last look: the events of the event source
mqtt_ca_certificates, free of asyncio and of Ansible.

A ``CaWatch`` keeps what it saw in memory, and gives it as JSON data (``state``) for the source to keep across restarts
(``restore``). Its first look establishes that state and reports only the CAs already expired or past an expiry
threshold, each once (the tightest threshold it is past); a look that fails changes nothing.

A listing by page number shifts under deletions and registrations: a CA or device missing from one listing is
asked for by its SN (or its CA is known gone) before it is reported deleted. Of a device it keeps only what its
events need, from the API's fields: its certificate is never parsed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from functools import partial

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ca_certificate_info import ca_certificate_facts
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._certificate import MS_PER_DAY, iso8601_utc, status_name
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._device_certificate import DEVICE_FIELDS
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError, NotFoundError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._fan_out import try_each
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._onsmqtt import get_device_certificate, list_device_certificates

EVENT_KEY = 'apsaramq'
# Pages of the device listing asked for at once: the answers of a big fleet overlap with the reading of the last.
DEVICE_PAGES_IN_FLIGHT = 4
UNREADABLE_DEVICE = 'The API answered with device certificate data this collection cannot read: %s'
# What is kept of a CA between looks: what its events carry.
CA_KEPT = ('sn', 'name', 'status', 'valid_end', 'days_remaining', 'expired')


class CaWatch:
    """``look(client, now_ms)`` -> ``(events, warnings)``; ``thresholds`` in days."""

    def __init__(self, instance_id, thresholds, include_device_certificates=False):
        self.instance_id = instance_id
        self.thresholds = sorted(set(thresholds), reverse=True)
        self.include_device_certificates = include_device_certificates
        self._cas = None  # {sn: _CaState}; None until the first look succeeds
        self._devices = None  # {ca_sn: {device_sn: (name, status, valid_end_ms)}}

    def look(self, client, now_ms):
        """Ask the API for every CA (and device certificate), then tell what changed. Raises ApsaraMQError, changing nothing."""
        devices = None
        if self.include_device_certificates:
            # Listed before the CAs: a CA deleted meanwhile is missing from the CA listing, which then tells its devices gone.
            devices = self._list_devices(client)
        cas, warnings = ca_certificate_facts(client, self.instance_id, None, now_ms)
        cas.extend(self._confirmed_cas(client, {ca['sn'] for ca in cas}, now_ms))
        if devices is not None:
            devices = self._confirmed_devices(client, devices, {ca['sn'] for ca in cas})
        return self.changes(now_ms, cas, devices), warnings

    def changes(self, now_ms, cas, devices=None):
        """The events between the state kept and these facts, which become the state: ``cas`` as the info module describes
        them, ``devices`` as ``{ca_sn: {device_sn: (name, status, valid_end_ms)}}``."""
        first = self._cas is None
        previous = self._cas or {}
        events, current = [], {}
        for ca in cas:
            ca = {name: ca[name] for name in CA_KEPT}
            state = previous.get(ca['sn'])
            events.extend(_presence_events('ca', ca['status'], state and state.facts['status'], first, partial(self._event, ca=ca)))
            first_sight = state is None or state.facts['valid_end'] != ca['valid_end']
            if first_sight:  # a CA seen anew, or given another end, is reported as on a first look
                state = _CaState()
            events.extend(self._expiry_events(ca, state, first_sight))
            state.facts = ca
            current[ca['sn']] = state
        events.extend(self._event('ca_deleted', state.facts) for sn, state in previous.items() if sn not in current)
        self._cas = current
        if devices is not None:
            events.extend(self._device_changes(devices, now_ms))
        return events

    def state(self):
        """What was seen and reported, as JSON data for ``restore``; None before the first look."""
        if self._cas is None:
            return None
        return {
            'cas': {sn: {'facts': state.facts, 'reported': sorted(state.reported), 'expired': state.expired} for sn, state in self._cas.items()},
            'devices': self._devices,
        }

    def restore(self, state):
        """Take ``state`` (of ``state()``, read back from JSON) as what was seen; ValueError in one line when it is not one."""
        try:
            cas = {}
            for sn, kept in state['cas'].items():
                ca = _CaState()
                ca.facts = {name: kept['facts'][name] for name in CA_KEPT}
                ca.reported = set(int(threshold) for threshold in kept['reported'])
                ca.expired = bool(kept['expired'])
                if ca.facts['sn'] != sn:
                    raise ValueError('CA %s is kept under SN %s' % (ca.facts['sn'], sn))
                cas[sn] = ca
            devices = None
            if self.include_device_certificates and state['devices'] is not None:
                devices = {ca_sn: {device_sn: _kept_device(entry) for device_sn, entry in kept.items()} for ca_sn, kept in state['devices'].items()}
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ValueError('it is not a state this source wrote (%s: %s)' % (type(exc).__name__, exc)) from None
        self._cas, self._devices = cas, devices

    def _list_devices(self, client):
        tally = _DeviceTally(self._devices or {})
        try:
            list_device_certificates(client, self.instance_id, max_concurrency=DEVICE_PAGES_IN_FLIGHT, keep=tally)
        except ValueError as exc:
            raise ApsaraMQError(UNREADABLE_DEVICE % exc) from None
        return tally.devices

    def _confirmed_cas(self, client, listed, now_ms):
        """The facts of the CAs seen last time that this listing missed but that the API still has."""
        found = []
        for sn in self._cas or ():
            if sn not in listed:
                try:
                    found.extend(ca_certificate_facts(client, self.instance_id, [sn], now_ms)[0])
                except NotFoundError:
                    pass
        return found

    def _confirmed_devices(self, client, devices, ca_sns):
        """``devices`` of the CAs in ``ca_sns`` (a device goes with its CA), with those seen last time that the listing
        missed but the API still has, asked for several at a time (a bulk deletion leaves many to ask for)."""
        devices = {ca_sn: listed for ca_sn, listed in devices.items() if ca_sn in ca_sns}
        missed = [(ca_sn, device_sn) for ca_sn, seen in (self._devices or {}).items() if ca_sn in ca_sns
                  for device_sn in seen if device_sn not in devices.get(ca_sn, {})]
        found, failures = try_each(missed, partial(_asked_device, client, self.instance_id), DEVICE_PAGES_IN_FLIGHT)
        for error in failures.values():
            if not isinstance(error, NotFoundError):
                raise error
        for (ca_sn, device_sn), entry in found.items():
            devices.setdefault(ca_sn, {})[device_sn] = entry
        return devices

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

    def _device_changes(self, devices, now_ms):
        first = self._devices is None
        previous = self._devices or {}
        events = []
        for ca_sn, listed in devices.items():
            seen = previous.get(ca_sn, {})
            for device_sn, entry in listed.items():
                before = seen.get(device_sn)
                if before is not entry:  # the listing keeps an unchanged device's entry: nothing to compare
                    event = partial(self._device_event, ca_sn=ca_sn, device_sn=device_sn, entry=entry, now_ms=now_ms)
                    events.extend(_presence_events('device_certificate', entry[1], before and before[1], first, event))
        for ca_sn, seen in previous.items():
            listed = devices.get(ca_sn, {})
            events.extend(self._device_event('device_certificate_deleted', ca_sn, device_sn, entry, now_ms)
                          for device_sn, entry in seen.items() if device_sn not in listed)
        self._devices = devices
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

    def _device_event(self, event_type, ca_sn, device_sn, entry, now_ms, previous_status=None):
        name, status, valid_end_ms = entry
        facts = {'sn': device_sn, 'name': name, 'status': status, 'valid_end': iso8601_utc(valid_end_ms),
                 'days_remaining': (valid_end_ms - now_ms) // MS_PER_DAY}
        event = self._event(event_type, facts, previous_status=previous_status)
        # sn: deprecated, kept equal to device_sn for one release.
        event[EVENT_KEY].update(device_sn=device_sn, ca_sn=ca_sn)
        return event


def _presence_events(kind, status, seen_status, first, event):
    """``<kind>_registered`` (never on the first look) or ``<kind>_status_changed``, from the status seen last time (None:
    not seen); ``event(event_type, previous_status=None)`` makes one."""
    if seen_status is None:
        return [] if first else [event(kind + '_registered')]
    if seen_status != status:
        return [event(kind + '_status_changed', previous_status=seen_status)]
    return []


def _device_entry(data):
    """``(ca_sn, device_sn, (name, status, valid_end_ms))`` of an API device object, from its fields alone."""
    device_sn = DEVICE_FIELDS.checked_sn(data)
    valid_end_ms = DEVICE_FIELDS.validity(data, device_sn, 0)['valid_end_ms']
    return data['CaSn'], device_sn, (data.get('DeviceName'), status_name(data['Status']), valid_end_ms)


def _asked_device(client, instance_id, key):
    """The kept entry of the device certificate ``key`` (``(ca_sn, device_sn)``), asked for by its SN."""
    try:
        return _device_entry(get_device_certificate(client, instance_id, *key)[0])[2]
    except ValueError as exc:
        raise ApsaraMQError(UNREADABLE_DEVICE % exc) from None


def _kept_device(entry):
    name, status, valid_end_ms = entry
    if not (name is None or isinstance(name, str)) or not isinstance(status, str) or not isinstance(valid_end_ms, int):
        raise ValueError('a device kept as %r' % (entry,))
    return name, status, valid_end_ms


class _DeviceTally:
    """The device listing's ``keep``: notes each device as the pages come, and keeps none of the API's objects (their PEM
    with them), so that a poll holds of the whole fleet only what the events need. A device seen last time with the same
    name, status and end keeps the entry of last time, unchecked again: an unchanged fleet costs neither checks nor
    memory twice."""

    def __init__(self, seen):
        self._seen = seen
        self.devices = {}

    def __call__(self, data):
        ca_sn, device_sn = data.get('CaSn'), data.get('DeviceSn')
        before = self._seen.get(ca_sn, {}).get(device_sn)
        if before is None or before != (data.get('DeviceName'), status_name(data.get('Status')), _epoch_ms_or_none(data.get('ValidEnd'))):
            ca_sn, device_sn, entry = _device_entry(data)
            before = before if before == entry else entry
        self.devices.setdefault(ca_sn, {})[device_sn] = before
        return False


def _epoch_ms_or_none(value):
    """The API's epoch milliseconds as an int, to compare with what was kept; None when it is not one (then checked)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else None


class _CaState:
    """What was seen of one CA and which of its expiry events were sent."""

    def __init__(self):
        self.facts = None
        self.reported = set()
        self.expired = False
