# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The facts of an instance's CA certificates: the API lookups joined with the certificate facts."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ca_certificate import describe_ca
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._fan_out import fetch_each
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._onsmqtt import check_sn, get_ca_certificate, list_ca_certificates


def check_lookup(instance_id, sns, max_concurrency):
    """Reject what the API would reject anyway, before credentials are looked for or a request is sent."""
    if not (instance_id or '').strip():
        raise ApsaraMQError('instance_id must not be empty')
    if max_concurrency < 1:
        raise ApsaraMQError('max_concurrency must be at least 1, got %d' % max_concurrency)
    for sn in sns or ():
        check_sn(sn)


def ca_certificate_facts(client, instance_id, sns, now_ms, max_concurrency=1):
    """``(certificates, warnings)``: the given SNs, or every CA of the instance when ``sns`` is None.

    An SN asked twice is fetched and described once, and listed twice.
    """
    if sns is None:
        return _describe_all(list_ca_certificates(client, instance_id), now_ms)
    if not sns:
        return [], []
    distinct = list(dict.fromkeys(sns))
    fetched = fetch_each(distinct, lambda sn: get_ca_certificate(client, instance_id, sn), max_concurrency, 'SN %s')
    certificates, warnings = _describe_all([fetched[sn] for sn in distinct], now_ms)
    if len(distinct) < len(sns):
        by_sn = dict(zip(distinct, certificates))
        certificates = [dict(by_sn[sn]) for sn in sns]
    return certificates, warnings


def _describe_all(answers, now_ms):
    """``(certificates, warnings)`` of ``(data, request_id)`` answers, in their order."""
    certificates, warnings = [], []
    for data, request_id in answers:
        try:
            facts, ca_warnings = describe_ca(data, request_id, now_ms)
        except ValueError as exc:
            raise ApsaraMQError('The API answered with CA data this collection cannot read: %s (request ID %s)' % (exc, request_id or 'none'))
        certificates.append(facts)
        warnings.extend(ca_warnings)
    return certificates, warnings
