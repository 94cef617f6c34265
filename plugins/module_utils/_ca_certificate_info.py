# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The facts of an instance's CA certificates: the API lookups joined with the certificate facts."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._certificate import describe_ca
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._onsmqtt import check_sn, get_ca_certificate, list_ca_certificates


def check_request(instance_id, sns):
    """Reject what the API would reject anyway, before credentials are looked for or a request is sent."""
    if not (instance_id or '').strip():
        raise ApsaraMQError('instance_id must not be empty')
    for sn in sns or ():
        check_sn(sn)


def _fetch_each(client, instance_id, sns):
    """One request per distinct SN; results in the order (and with the repeats) asked."""
    fetched = {}
    for sn in sns:
        if sn not in fetched:
            try:
                fetched[sn] = get_ca_certificate(client, instance_id, sn)
            except ApsaraMQError as exc:
                exc.add_context('SN %s' % sn)
                raise
    return [fetched[sn] for sn in sns]


def ca_certificate_facts(client, instance_id, sns, now_ms):
    """``(certificates, warnings)``: the given SNs, or every CA of the instance when ``sns`` is None."""
    answers = list_ca_certificates(client, instance_id) if sns is None else _fetch_each(client, instance_id, sns)
    certificates, warnings = [], []
    for data, request_id in answers:
        try:
            facts, ca_warnings = describe_ca(data, request_id, now_ms)
        except ValueError as exc:
            raise ApsaraMQError('The API answered with CA data this collection cannot read: %s (request ID %s)' % (exc, request_id or 'none'))
        certificates.append(facts)
        warnings.extend(ca_warnings)
    return certificates, warnings
