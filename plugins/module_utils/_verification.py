# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The verification certificate that proves to the service that the CA's key is held: made here from the CA's key
for the instance's registration code, or a given one checked, before RegisterCaCertificate is sent.

The service wants a certificate whose subject CN is the registration code, signed by the CA's key. Made here, it gets a
fresh key of its own that nothing keeps. No key, the CA's or that one, leaves this file: none is returned, and no
message names one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._certificate import x509_module
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError

# The service checks the certificate once, when the CA is registered; it need not outlive the task by much.
VALIDITY = datetime.timedelta(days=1)
# Clocks disagree: valid from a little before now.
BACKDATE = datetime.timedelta(minutes=5)


def load_ca_certificate(ca_pem):
    """The first certificate of ``ca_pem``; one line when there is none, or it is no CA certificate.

    A CA certificate has the basic constraints extension with CA:TRUE: RFC 5280 (4.2.1.9) requires it of every CA
    whose key signs certificates, and verifiers refuse device certificates issued under a CA without it. So a
    certificate without the extension is refused too, not only one that says CA:FALSE.
    """
    x509 = x509_module()
    try:
        certificate = x509.load_first_certificate(ca_pem)[0]
    except Exception as exc:  # pylint: disable=broad-exception-caught  # cryptography's exception types vary by version
        raise ApsaraMQError('ca_pem is not a PEM certificate (%s)' % (' '.join(str(exc).split()) or type(exc).__name__)) from None
    try:
        is_ca = certificate.extensions.get_extension_for_class(x509.x509.BasicConstraints).value.ca
    except x509.x509.ExtensionNotFound:
        raise ApsaraMQError('ca_pem is not a CA certificate: it has no basic constraints extension, and a CA needs one with CA:TRUE; give the '
                            "certificate of the CA that issues the devices' certificates") from None
    except Exception as exc:  # pylint: disable=broad-exception-caught  # a malformed or duplicate extension
        raise ApsaraMQError('ca_pem has extensions that cannot be read (%s)' % (' '.join(str(exc).split()) or type(exc).__name__)) from None
    if not is_ca:
        raise ApsaraMQError("ca_pem is not a CA certificate: its basic constraints say CA:FALSE (a device's or a server's certificate?); give "
                            "the certificate of the CA that issues the devices' certificates")
    return certificate


def check_unexpired(ca_certificate, now):
    """Refuse a CA certificate whose validity has ended by ``now`` (naive UTC): no device could authenticate under it."""
    # cryptography >= 42 deprecates the naive datetimes in favour of the *_utc ones; older has only the naive (UTC) ones.
    not_after = getattr(ca_certificate, 'not_valid_after_utc', None)
    not_after = not_after.replace(tzinfo=None) if not_after is not None else ca_certificate.not_valid_after
    if not_after <= now:
        raise ApsaraMQError('ca_pem expired on %s: no device can authenticate under it, so it is neither registered nor activated or inactivated '
                            'by its certificate; name a registered expired CA by sn alone to change its status, or delete it with state: absent'
                            % not_after.strftime('%Y-%m-%dT%H:%M:%SZ'))


def load_ca_key(key_pem, passphrase, source):
    """The private key of ``key_pem`` (bytes); one line, naming ``source`` but nothing of the key, when it cannot be loaded."""
    x509 = x509_module()
    try:
        return x509.load_private_key(key_pem, passphrase.encode('utf-8') if passphrase else None)
    except TypeError:  # encrypted without a passphrase, or a passphrase for a key that has none
        if passphrase:
            raise ApsaraMQError('%s is not encrypted: drop ca_private_key_passphrase' % source) from None
        raise ApsaraMQError('%s is encrypted: give its passphrase in ca_private_key_passphrase' % source) from None
    except ValueError:
        if passphrase:
            raise ApsaraMQError('%s cannot be decrypted with ca_private_key_passphrase, or is no PEM private key' % source) from None
        raise ApsaraMQError('%s is no PEM private key' % source) from None
    except Exception:  # pylint: disable=broad-exception-caught  # an unsupported key type, in the exception type of the day
        raise ApsaraMQError('%s holds a key that cannot be used: RSA and EC keys are supported' % source) from None


def check_key_matches(ca_certificate, ca_key, source):
    """Refuse a key that is not the one of the CA certificate: the service would refuse what it signs."""
    x509 = x509_module()
    if x509.public_key_der(ca_key.public_key()) != x509.public_key_der(ca_certificate.public_key()):
        raise ApsaraMQError('%s is not the key of the CA in ca_pem: its public key differs from the certificate\'s' % source)


def make_verification_pem(ca_certificate, ca_key, registration_code, now):
    """A certificate whose CN is ``registration_code``, signed by ``ca_key``, for a key made here and dropped at once."""
    x509 = x509_module()
    crypto_x509, ec, hashes = x509.x509, x509.ec, x509.hashes
    if not isinstance(ca_key, (x509.rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise ApsaraMQError('ca_private_key is a %s key: RSA and EC keys are supported' % type(ca_key).__name__)
    throw_away_key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        crypto_x509.CertificateBuilder()
        .subject_name(crypto_x509.Name([crypto_x509.NameAttribute(x509.NameOID.COMMON_NAME, registration_code)]))
        .issuer_name(ca_certificate.subject)
        .public_key(throw_away_key.public_key())
        .serial_number(crypto_x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + VALIDITY)
        .sign(ca_key, hashes.SHA256())
    )
    return x509.certificate_pem(certificate)


def check_verification_pem(verification_pem, ca_certificate, registration_code):
    """Refuse what the service would refuse (RegisterCodeError): a CN that is not the code, a signature not by the CA."""
    x509 = x509_module()
    try:
        certificate = x509.load_first_certificate(verification_pem)[0]
    except Exception as exc:  # pylint: disable=broad-exception-caught
        raise ApsaraMQError('verification_pem is not a PEM certificate (%s)' % (' '.join(str(exc).split()) or type(exc).__name__)) from None
    common_names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    common_name = common_names[0].value if common_names else None
    if common_name != registration_code:
        raise ApsaraMQError('verification_pem has the common name %r; the instance\'s registration code is %r: make the verification '
                            'certificate for that code, or give ca_private_key and let the module make it' % (common_name, registration_code))
    if not x509.is_signed_by(certificate, ca_certificate.public_key()):
        raise ApsaraMQError('verification_pem is not signed by the key of the CA in ca_pem')
