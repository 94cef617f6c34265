# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""Certificates the emulator's tests make themselves, with keys they hold: CAs to register, verification and device certificates."""

import dataclasses
import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

KEY_MAKERS = {'ec': lambda: ec.generate_private_key(ec.SECP256R1()), 'rsa': lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)}


def now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def pem(*certificates):
    """PEM text as a client sends it: one line break after each certificate."""
    return ''.join(certificate.public_bytes(serialization.Encoding.PEM).decode('ascii') for certificate in certificates)


def serial_hex(serial_number):
    """How the service writes an SN: the hex of the serial number's DER integer."""
    return serial_number.to_bytes(serial_number.bit_length() // 8 + 1, 'big').hex()


def epoch_ms(moment):
    return str(int(moment.timestamp() * 1000))


def build(subject, public_key, issuer_name, issuer_key, is_ca, days=(-1, 365), serial_number=None):
    start = now()
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name).public_key(public_key)
            .serial_number(serial_number or x509.random_serial_number())
            .not_valid_before(start + datetime.timedelta(days=days[0])).not_valid_after(start + datetime.timedelta(days=days[1]))
            .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
            .sign(issuer_key, hashes.SHA256()))


@dataclasses.dataclass(frozen=True)
class Authority:
    """A CA certificate with its private key."""

    certificate: x509.Certificate
    key: object

    @classmethod
    def make(cls, common_name='test-ca', key_type='ec', serial_number=None, days=(-1, 365)):
        key = KEY_MAKERS[key_type]()
        return cls(build(name(common_name), key.public_key(), name(common_name), key, True, days, serial_number), key)

    @property
    def sn(self):
        return serial_hex(self.certificate.serial_number)

    def issue(self, common_name, is_ca=False, days=(-1, 365), serial_number=None):
        """A certificate this CA signs, for a fresh key."""
        return build(name(common_name), KEY_MAKERS['ec']().public_key(), self.certificate.subject, self.key, is_ca, days, serial_number)
