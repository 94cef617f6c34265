# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The facts of an instance's CA certificates: the API lookups joined with the certificate facts."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._certificate import describe_ca
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._onsmqtt import check_sn, get_ca_certificate, list_ca_certificates


def check_request(instance_id, sns, max_concurrency):
    """Reject what the API would reject anyway, before credentials are looked for or a request is sent."""
    if not (instance_id or '').strip():
        raise ApsaraMQError('instance_id must not be empty')
    if max_concurrency < 1:
        raise ApsaraMQError('max_concurrency must be at least 1, got %d' % max_concurrency)
    for sn in sns or ():
        check_sn(sn)


def _fetch_each(client, instance_id, sns, max_concurrency):
    """One request per distinct SN, at most ``max_concurrency`` at a time; results in the order (and with the repeats) asked.

    A failure is that of the first SN in the order asked; requests not yet started are cancelled.
    """
    distinct = list(dict.fromkeys(sns))
    pool = ThreadPoolExecutor(max_workers=min(max_concurrency, len(distinct)))
    try:
        futures = [pool.submit(get_ca_certificate, client, instance_id, sn) for sn in distinct]
        fetched = {}
        for sn, future in zip(distinct, futures):
            try:
                fetched[sn] = future.result()
            except ApsaraMQError as exc:
                for pending in futures:
                    pending.cancel()
                exc.add_context('SN %s' % sn)
                raise
    finally:
        pool.shutdown(wait=True)
    return [fetched[sn] for sn in sns]


def ca_certificate_facts(client, instance_id, sns, now_ms, max_concurrency=1):
    """``(certificates, warnings)``: the given SNs, or every CA of the instance when ``sns`` is None."""
    if sns is None:
        answers = list_ca_certificates(client, instance_id)
    elif sns:
        answers = _fetch_each(client, instance_id, sns, max_concurrency)
    else:
        answers = []
    certificates, warnings = [], []
    for data, request_id in answers:
        try:
            facts, ca_warnings = describe_ca(data, request_id, now_ms)
        except ValueError as exc:
            raise ApsaraMQError('The API answered with CA data this collection cannot read: %s (request ID %s)' % (exc, request_id or 'none'))
        certificates.append(facts)
        warnings.extend(ca_warnings)
    return certificates, warnings
