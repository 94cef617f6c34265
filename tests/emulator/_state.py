# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""What the instances hold while the emulator runs: their CAs and device certificates, every change to them, and the
broker's side of a device connecting with a certificate. It starts from the fixtures, lives as long as the process, and
reset() puts it back to the fixtures. Thread-safe: every change happens under one lock.

API objects (dicts) are replaced on change, never changed in place, so that an answer being written out stays whole.
"""

import threading

from _certificates import epoch_ms, fingerprint, issued_by, read_certificates, serial_hex, subject_common_name, to_pem
from _errors import ApiError

ACTIVE, INACTIVE = '1', '0'


class CaRecord:
    """A CA object of the API and, parsed once when first needed, the first certificate of its CaContent."""

    def __init__(self, data, certificate=None):
        self.data = data
        self._certificate = certificate
        self._parsed = certificate is not None

    @property
    def certificate(self):
        """The registered CA certificate; None when the content (of a hand-written fixture, say) is no certificate."""
        if not self._parsed:
            self._parsed = True
            # Fixture contents may use CRLF or literal backslash-n line breaks, as clients must accept them.
            try:
                self._certificate = read_certificates(str(self.data.get('CaContent', '')).replace('\\n', '\n'))[0]
            except ValueError:
                self._certificate = None
        return self._certificate


class Holdings:
    """One instance's CAs (by SN) and device certificates (by CA SN and device SN), each in listing order."""

    def __init__(self, instance):
        self.cas = {ca['Sn']: CaRecord(ca) for ca in instance.ca_certificates}
        self.devices = {(device['CaSn'], device['DeviceSn']): device for device in instance.device_certificates}

    def ca(self, sn):
        record = self.cas.get(sn)
        if record is None:
            raise ApiError('FindCaBySnError')
        return record

    def device_key(self, ca_sn, device_sn):
        if (ca_sn, device_sn) not in self.devices:
            raise ApiError('FindDeviceBySnError')
        return ca_sn, device_sn


class CertificateState:
    """Every instance's Holdings, as the API handlers and the device-connect endpoint read and change them."""

    def __init__(self, fixtures):
        self._fixtures = fixtures
        self._lock = threading.Lock()
        self._instances = {}
        self.reset()

    def reset(self):
        instances = {instance_id: Holdings(instance) for instance_id, instance in self._fixtures.instances().items()}
        with self._lock:
            self._instances = instances

    # --- CA certificates ---------------------------------------------------------------------------------------------------
    def cas(self, instance_id):
        with self._lock:
            return [record.data for record in self._instances[instance_id].cas.values()]

    def ca(self, instance_id, sn):
        with self._lock:
            return self._instances[instance_id].ca(sn).data

    def add_ca(self, instance_id, data, certificate):
        """Registers a CA whose certificates were checked; refuses the same certificate, or its SN, twice."""
        with self._lock:
            holdings = self._instances[instance_id]
            new_fingerprint = fingerprint(certificate)
            twin = next((sn for sn, record in holdings.cas.items() if record.certificate and fingerprint(record.certificate) == new_fingerprint), None)
            if twin is not None:
                raise ApiError('CaCertificateAlreadyExists', f'This CA certificate is registered on the instance with SN {twin}.')
            if data['Sn'] in holdings.cas:
                raise ApiError('CaCertificateAlreadyExists', f'Another CA certificate of the instance has the SN {data["Sn"]}.')
            holdings.cas[data['Sn']] = CaRecord(data, certificate)

    def ca_certificate(self, instance_id, sn):
        """The CA's registered certificate (None when its content is none); FindCaBySnError when the instance has no such CA."""
        with self._lock:
            return self._instances[instance_id].ca(sn).certificate

    def instances_holding_ca(self, sn):
        with self._lock:
            return [instance_id for instance_id, holdings in self._instances.items() if sn in holdings.cas]

    def set_ca_status(self, instance_id, sn, status):
        with self._lock:
            record = self._instances[instance_id].ca(sn)
            record.data = {**record.data, 'Status': status}

    def delete_ca(self, instance_id, sn):
        """Deletes the CA and, as the service does, every device certificate it issued."""
        with self._lock:
            holdings = self._instances[instance_id]
            holdings.ca(sn)  # FindCaBySnError when absent
            del holdings.cas[sn]
            holdings.devices = {key: device for key, device in holdings.devices.items() if key[0] != sn}

    # --- device certificates -----------------------------------------------------------------------------------------------
    def devices(self, instance_id, ca_sn=None):
        """The instance's device certificates in listing order, only those of the CA `ca_sn` when given."""
        with self._lock:
            devices = self._instances[instance_id].devices
            if ca_sn is None:
                return list(devices.values())
            return [device for (device_ca_sn, _device_sn), device in devices.items() if device_ca_sn == ca_sn]

    def device(self, instance_id, ca_sn, device_sn):
        with self._lock:
            holdings = self._instances[instance_id]
            return holdings.devices[holdings.device_key(ca_sn, device_sn)]

    def set_device_status(self, instance_id, ca_sn, device_sn, status):
        with self._lock:
            holdings = self._instances[instance_id]
            key = holdings.device_key(ca_sn, device_sn)
            holdings.devices[key] = {**holdings.devices[key], 'Status': status}

    def delete_device(self, instance_id, ca_sn, device_sn):
        with self._lock:
            holdings = self._instances[instance_id]
            del holdings.devices[holdings.device_key(ca_sn, device_sn)]

    # --- the broker --------------------------------------------------------------------------------------------------------
    def connect(self, instance_id, certificate, now):
        """A device connects with `certificate` at server time `now` (seconds): the broker accepts it when a CA of the instance
        issued it, that CA is active, the certificate is valid and not inactive; it registers it, active, the first time.

        Returns {"connected", "registered", "reason", "device"}: `registered` is true only when this connection registered it."""
        with self._lock:
            return _connect(self._instances[instance_id], certificate, now)

    def register_devices(self, instance_id, certificates, now, position=None):
        """The devices of `certificates` connect at once (a listing hook): each one's answer, as connect() gives it. Those it
        registers go to `position` of the listing order (0: first), or last when None, as the broker puts them."""
        with self._lock:
            holdings = self._instances[instance_id]
            before = list(holdings.devices)
            answers = [_connect(holdings, certificate, now) for certificate in certificates]
            if position is not None:
                order = before[:position] + list(holdings.devices)[len(before):] + before[position:]
                holdings.devices = {key: holdings.devices[key] for key in order}
            return answers


def _connect(holdings, certificate, now):
    issuer = next((record for record in holdings.cas.values() if record.certificate and issued_by(certificate, record.certificate)), None)
    if issuer is None:
        return _refused('no CA certificate registered on the instance issued this certificate')
    if certificate.not_valid_after_utc.timestamp() < now or certificate.not_valid_before_utc.timestamp() > now:
        return _refused('the certificate is outside its validity period')
    ca_sn = issuer.data['Sn']
    if issuer.data.get('Status') != ACTIVE:
        return _refused(f'its CA certificate {ca_sn} is inactive')
    key = (ca_sn, serial_hex(certificate.serial_number))
    device = holdings.devices.get(key)
    if device is not None:
        if device.get('Status') != ACTIVE:
            return _refused(f'the device certificate {key[1]} is inactive', device)
        return {'connected': True, 'registered': False, 'reason': None, 'device': device}
    device = holdings.devices[key] = device_data(ca_sn, certificate)
    return {'connected': True, 'registered': True, 'reason': None, 'device': device}


def _refused(reason, device=None):
    return {'connected': False, 'registered': False, 'reason': reason, 'device': device}


def device_data(ca_sn, certificate):
    """The API's device object of a certificate the broker registers: active, named after its CN."""
    return {
        'CaSn': ca_sn,
        'DeviceContent': to_pem(certificate).strip(),
        'DeviceName': subject_common_name(certificate) or '',
        'DeviceSn': serial_hex(certificate.serial_number),
        'Status': ACTIVE,
        'ValidBegin': epoch_ms(certificate.not_valid_before_utc),
        'ValidEnd': epoch_ms(certificate.not_valid_after_utc),
    }
