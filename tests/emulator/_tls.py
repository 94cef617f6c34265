# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""`--tls-dir`: HTTPS with a server certificate from a throw-away CA made at start."""

import datetime
import os
import ssl
import tempfile

from cryptography.hazmat.primitives import serialization

from _certificates import CertificateAuthority, tls_server_extensions, to_pem

CA_FILE_NAME = 'ca.pem'
VALIDITY_DAYS = 30


def tls_context(directory, host):
    """A server SSLContext for host, 127.0.0.1 and localhost; writes the CA to trust to DIR/ca.pem."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    validity = (now - datetime.timedelta(days=1), now + datetime.timedelta(days=VALIDITY_DAYS))
    authority = CertificateAuthority.self_signed('ApsaraMQ for MQTT emulator throw-away TLS CA', 'ec', validity)
    host_names = dict.fromkeys((host, '127.0.0.1', 'localhost'))  # ordered and without duplicates
    certificate, private_key = authority.issue_leaf(host, validity, tls_server_extensions(host_names))
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, CA_FILE_NAME), 'w', encoding='ascii') as stream:
        stream.write(to_pem(authority.certificate))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    # load_cert_chain() reads files only: the key lives in a private directory just long enough.
    with tempfile.TemporaryDirectory() as private_directory:
        chain_file = os.path.join(private_directory, 'server.pem')
        with open(chain_file, 'wb') as stream:
            stream.write(private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
            stream.write(to_pem(certificate).encode('ascii'))
        context.load_cert_chain(chain_file)
    return context
