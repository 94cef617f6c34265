# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Facts about one CA certificate of ApsaraMQ for MQTT, from the API's ``Data`` object (a ``CaCertificateVOS`` item).

Pure: see ``_certificate`` for what every certificate is described with, and for the errors.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._certificate import ApiFields, canonical_pem, parsed_or_warning, status_name, x509_module

CA_FIELDS = ApiFields('CA certificate', 'Sn', required=('Sn', 'CaName', 'RegistrationCode', 'Status', 'CaContent', 'ValidBegin', 'ValidEnd'),
                      text=('Sn', 'CaName', 'RegistrationCode', 'CaContent', 'VerificationContent'))


def describe_ca(data, request_id, now_ms):
    """Return ``(facts, warnings)`` for one CA: ``data`` is the API's ``Data`` object, ``now_ms`` the clock."""
    sn = CA_FIELDS.checked_sn(data)
    validity = CA_FIELDS.validity(data, sn, now_ms)
    ca_pem = canonical_pem(data['CaContent'])
    if ca_pem is None:
        raise CA_FIELDS.malformed(sn, 'CaContent is empty')
    verification_pem = canonical_pem(data.get('VerificationContent'))

    x509 = x509_module()
    warnings = []
    subject = 'CA certificate %s' % sn
    described = parsed_or_warning(warnings, subject, 'ca_pem', 'x509', x509.describe_bundle, ca_pem)
    ca_certificate, x509_facts = described or (None, None)
    verification = None
    if verification_pem is not None:
        verification = parsed_or_warning(warnings, subject, 'verification_pem', 'verification', x509.describe_verification,
                                         verification_pem, ca_certificate, data['RegistrationCode'])

    facts = {
        'sn': sn,
        'name': data['CaName'],
        'status': status_name(data['Status']),
        'registration_code': data['RegistrationCode'],
        'ca_pem': ca_pem,
        'verification_pem': verification_pem,
    }
    facts.update(validity)
    facts.update(x509=x509_facts, verification=verification, request_id=request_id)
    return facts, warnings
