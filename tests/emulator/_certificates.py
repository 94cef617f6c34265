# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""Real X.509 certificates for the fixtures and the TLS mode, made with `cryptography`, and what the service reads off them."""

import hashlib
import ipaddress

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ORGANIZATION = 'ApsaraMQ for MQTT emulator'
KEY_GENERATORS = {
    'rsa': lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
    'ec': lambda: ec.generate_private_key(ec.SECP256R1()),
}
# DER of the AlgorithmIdentifier OIDs sha256WithRSAEncryption and sha1WithRSAEncryption: the same length.
SHA256_WITH_RSA_OID = bytes.fromhex('06092a864886f70d01010b')
SHA1_WITH_RSA_OID = bytes.fromhex('06092a864886f70d010105')
# Leaf keys are never used for anything but holding a public key: the fastest kind will do.
LEAF_KEY_TYPE = 'ec'


def to_pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM).decode('ascii')


def read_certificates(text):
    """The certificates of a PEM text, in order; raises ValueError when it holds none."""
    return x509.load_pem_x509_certificates(text.encode('utf-8'))


def serial_hex(serial_number):
    """A serial number as the service writes SNs: the hex of its DER integer (a leading 00 when the high bit is set)."""
    return serial_number.to_bytes(serial_number.bit_length() // 8 + 1, 'big').hex()


def epoch_ms(moment):
    """A validity date as the API writes it: epoch milliseconds, as a string."""
    return str(int(moment.timestamp()) * 1000)


def subject_common_name(certificate):
    """The subject's first CN, or None."""
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return names[0].value if names else None


def fingerprint(certificate):
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def is_ca(certificate):
    try:
        return certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def issued_by(certificate, issuer):
    """Whether `issuer` signed `certificate` (issuer name and signature; by hand, since verify_directly_issued_by refuses SHA-1)."""
    if certificate.issuer != issuer.subject:
        return False
    public_key = issuer.public_key()
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(certificate.signature, certificate.tbs_certificate_bytes, padding.PKCS1v15(), certificate.signature_hash_algorithm)
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(certificate.signature, certificate.tbs_certificate_bytes, ec.ECDSA(certificate.signature_hash_algorithm))
        else:
            certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def _name(common_name):
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _key_usage(is_ca):
    return x509.KeyUsage(
        digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=is_ca, crl_sign=is_ca, encipher_only=False, decipher_only=False,
    )


def _build(subject, subject_public_key, issuer_name, issuer_key, validity, serial_number=None, is_ca=False, ca_path_length=None, extensions=()):
    not_before, not_after = validity
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(subject_public_key)
        .serial_number(serial_number or x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=ca_path_length), critical=True)
        .add_extension(_key_usage(is_ca), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(subject_public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    )
    for extension in extensions:
        builder = builder.add_extension(extension, critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


class CertificateAuthority:
    """A CA certificate together with its private key, which never leaves this process."""

    def __init__(self, certificate, private_key):
        self.certificate = certificate
        self.private_key = private_key

    @classmethod
    def self_signed(cls, common_name, key_type, validity, serial_number=None, private_key=None):
        private_key = private_key or KEY_GENERATORS[key_type]()
        subject = _name(common_name)
        return cls(_build(subject, private_key.public_key(), subject, private_key, validity, serial_number, is_ca=True), private_key)

    def issue_ca(self, common_name, key_type, validity, serial_number=None, private_key=None):
        private_key = private_key or KEY_GENERATORS[key_type]()
        certificate = _build(
            _name(common_name), private_key.public_key(), self.certificate.subject, self.private_key, validity, serial_number, is_ca=True, ca_path_length=0,
        )
        return CertificateAuthority(certificate, private_key)

    def issue_leaf(self, common_name, validity, extensions=(), serial_number=None, public_key=None):
        """An end-entity certificate; returns (certificate, its private key), the key None when `public_key` is given.

        Device certificates only need a public key: passing one spares making a private key per certificate."""
        private_key = None if public_key else KEY_GENERATORS[LEAF_KEY_TYPE]()
        subject_key = public_key or private_key.public_key()
        certificate = _build(_name(common_name), subject_key, self.certificate.subject, self.private_key, validity, serial_number, extensions=extensions)
        return certificate, private_key

    def issue_leaf_sha1(self, common_name, validity, serial_number, public_key):
        """An end-entity certificate signed with SHA-1 by this RSA CA: a weak signature, for audits to find.

        `cryptography` no longer signs with SHA-1: the certificate is made with SHA-256, then its algorithm identifiers (of
        the same length) are swapped and it is signed again; an RSA signature has the length of the key, so every DER length
        stays as it was."""
        certificate, _no_key = self.issue_leaf(common_name, validity, serial_number=serial_number, public_key=public_key)
        der = certificate.public_bytes(serialization.Encoding.DER)
        tbs = certificate.tbs_certificate_bytes
        old_signature = certificate.signature
        signed = tbs.replace(SHA256_WITH_RSA_OID, SHA1_WITH_RSA_OID, 1)
        signature = self.private_key.sign(signed, padding.PKCS1v15(), hashes.SHA1())
        head = der[:der.index(tbs)]
        tail = der[der.index(tbs) + len(tbs):-len(old_signature)].replace(SHA256_WITH_RSA_OID, SHA1_WITH_RSA_OID, 1)
        return x509.load_der_x509_certificate(head + signed + tail + signature)

    def crl(self, revoked, this_update, next_update, number):
        """A CRL of this CA, signed with its key (SHA-256): `revoked` is [(serial number, revocation date), ...]."""
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(this_update)
            .next_update(next_update)
            .add_extension(x509.CRLNumber(number), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.private_key.public_key()), critical=False)
        )
        for serial_number, revocation_date in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial_number).revocation_date(revocation_date).build())
        return builder.sign(self.private_key, hashes.SHA256())


def tls_server_extensions(host_names):
    """Subject alternative names (IP addresses or DNS names) and serverAuth for a TLS server certificate."""
    names = []
    for host in host_names:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return (x509.SubjectAlternativeName(names), x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]))
