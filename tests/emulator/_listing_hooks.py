# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""Listing hooks: a fleet that moves while a client pages through it, at a point the test chooses.

A hook waits for one page of one listing (say page 3 of ListDeviceCertificate) and, just before that page is read off the
state, makes its changes once: the broker registers device certificates (as if their devices connected), device
certificates or a CA (with its device certificates) are deleted. Then it is spent. What each spent hook did is kept for
the control interface to show, so that a test can tell that its hook fired.
"""

import threading

from _certificates import read_certificates, serial_hex
from _errors import ApiError

LISTING_ACTIONS = ('ListCaCertificate', 'ListDeviceCertificate', 'ListDeviceCertificateByCaSn')
HOOK_KEYS = {'action', 'page', 'occurrence', 'instance_id', 'ca_sn', 'register', 'position', 'delete_devices', 'delete_ca'}
MAX_PAGE = 2 ** 31 - 1


class ListingHookError(ValueError):
    """A hook that makes no sense; the message says which part and why."""


def _text_or_none(spec, name):
    value = spec.get(name)
    if value is not None and (not isinstance(value, str) or not value):
        raise ListingHookError(f'{name} must be a non-empty string when given, got {value!r}')
    return value


def _certificates(texts):
    if not isinstance(texts, list) or not all(isinstance(text, str) for text in texts):
        raise ListingHookError('register must be a list of PEM certificates')
    try:
        # Written like the fixtures' DeviceContent: CRLF and literal backslash-n line breaks too.
        return tuple(read_certificates(text.replace('\\n', '\n'))[0] for text in texts)
    except ValueError:
        raise ListingHookError('register must be a list of PEM certificates; one is no certificate') from None


def _device_keys(pairs):
    if not isinstance(pairs, list) or not all(isinstance(pair, list) and len(pair) == 2 and all(isinstance(sn, str) and sn for sn in pair)
                                              for pair in pairs):
        raise ListingHookError('delete_devices must be a list of [CaSn, DeviceSn] pairs')
    return tuple(tuple(pair) for pair in pairs)


class ListingHook:
    """One hook, checked: which listing page it waits for and what it changes then."""

    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise ListingHookError('the body must be a JSON object')
        unknown = set(spec) - HOOK_KEYS
        if unknown:
            raise ListingHookError(f'unknown keys: {", ".join(sorted(unknown))}')
        self.action = spec.get('action')
        if self.action not in LISTING_ACTIONS:
            raise ListingHookError(f'action must be one of {", ".join(LISTING_ACTIONS)}, got {self.action!r}')
        self.page = spec.get('page')
        if isinstance(self.page, bool) or not isinstance(self.page, int) or not 1 <= self.page <= MAX_PAGE:
            raise ListingHookError(f'page must be a page number from 1, got {self.page!r}')
        self.occurrence = spec.get('occurrence', 1)
        if isinstance(self.occurrence, bool) or not isinstance(self.occurrence, int) or not 1 <= self.occurrence <= MAX_PAGE:
            raise ListingHookError(f'occurrence must be a whole number from 1, got {self.occurrence!r}')
        self.requests_seen = 0  # of the page it waits for
        self.instance_id = _text_or_none(spec, 'instance_id')
        self.ca_sn = _text_or_none(spec, 'ca_sn')
        if self.ca_sn is not None and self.action != 'ListDeviceCertificateByCaSn':
            raise ListingHookError('ca_sn goes with ListDeviceCertificateByCaSn only')
        self.register = _certificates(spec.get('register', []))
        self.position = spec.get('position')
        if self.position is not None and (isinstance(self.position, bool) or not isinstance(self.position, int) or self.position < 0):
            raise ListingHookError(f'position must be 0 or more when given, got {self.position!r}')
        self.delete_devices = _device_keys(spec.get('delete_devices', []))
        self.delete_ca = _text_or_none(spec, 'delete_ca')
        if not (self.register or self.delete_devices or self.delete_ca):
            raise ListingHookError('a hook needs something to do: register, delete_devices or delete_ca')

    def due(self, action, instance_id, ca_sn, page_no):
        """Whether this request is the one the hook waits for: the occurrence-th of its page."""
        if action == self.action and page_no == self.page and self.instance_id in (None, instance_id) and self.ca_sn in (None, ca_sn):
            self.requests_seen += 1
            return self.requests_seen == self.occurrence
        return False

    def describe(self):
        return {
            'action': self.action, 'page': self.page, 'occurrence': self.occurrence, 'instance_id': self.instance_id, 'ca_sn': self.ca_sn,
            'register': [serial_hex(certificate.serial_number) for certificate in self.register], 'position': self.position,
            'delete_devices': [list(key) for key in self.delete_devices], 'delete_ca': self.delete_ca,
        }

    def carry_out(self, certificates, instance_id, now):
        """Makes the changes on the listed instance; what happened: registered device SNs, deletions, and one line per change that
        could not be made (a certificate the broker refused, something already gone)."""
        done = {'registered': [], 'deleted_devices': [], 'deleted_ca': None, 'problems': []}
        for answer in certificates.register_devices(instance_id, self.register, now, self.position):
            if answer['registered']:
                done['registered'].append(answer['device']['DeviceSn'])
            else:
                done['problems'].append(answer['reason'] or f'the device certificate {answer["device"]["DeviceSn"]} is registered already')
        for ca_sn, device_sn in self.delete_devices:
            try:
                certificates.delete_device(instance_id, ca_sn, device_sn)
                done['deleted_devices'].append([ca_sn, device_sn])
            except ApiError:
                done['problems'].append(f'no device certificate {device_sn} of CA {ca_sn} to delete')
        if self.delete_ca is not None:
            try:
                certificates.delete_ca(instance_id, self.delete_ca)
                done['deleted_ca'] = self.delete_ca
            except ApiError:
                done['problems'].append(f'no CA {self.delete_ca} to delete')
        return done


class ListingHooks:
    """The hooks waiting and those spent, thread-safely."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pending = []
        self._fired = []

    def reset(self):
        with self._lock:
            self._pending, self._fired = [], []

    def state(self):
        with self._lock:
            return {'pending': [hook.describe() for hook in self._pending], 'fired': list(self._fired)}

    def configure(self, spec):
        """Adds the hook of a control request's JSON object ({"clear": true}: forgets every hook first; alone, only that)."""
        if isinstance(spec, dict) and spec.get('clear'):
            spec = {key: value for key, value in spec.items() if key != 'clear'}
            hook = ListingHook(spec) if spec else None
            self.reset()
        else:
            hook = ListingHook(spec)
        if hook is not None:
            with self._lock:
                self._pending.append(hook)
        return self.state()

    def fire(self, action, instance_id, ca_sn, page_no, certificates, now):
        """Before a listing's page is read: carries out, once, every hook waiting for it, in the order they were added."""
        with self._lock:
            due = [hook for hook in self._pending if hook.due(action, instance_id, ca_sn, page_no)]
            if not due:
                return
            self._pending = [hook for hook in self._pending if hook not in due]
            for hook in due:
                self._fired.append(dict(hook.describe(), listed_instance=instance_id, **hook.carry_out(certificates, instance_id, now)))
