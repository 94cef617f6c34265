# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issues a device certificate, common name NAME, with the CA that make_ca.py made in CA_DIR, and writes it (PEM) to OUT.

    python issue_device_certificate.py CA_DIR PASSPHRASE NAME OUT

The device's key is not kept: the emulator's broker checks only the certificate a device connects with.
"""

import datetime
import pathlib
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def main():
    ca_dir, passphrase, name, out = pathlib.Path(sys.argv[1]), sys.argv[2].encode(), sys.argv[3], pathlib.Path(sys.argv[4])
    ca = x509.load_pem_x509_certificate((ca_dir / 'ca.pem').read_bytes())
    ca_key = serialization.load_pem_private_key((ca_dir / 'ca.key').read_bytes(), passphrase)
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
                   .issuer_name(ca.subject).public_key(ec.generate_private_key(ec.SECP256R1()).public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=90)).sign(ca_key, hashes.SHA256()))
    out.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


if __name__ == '__main__':
    main()
