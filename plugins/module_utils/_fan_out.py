# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""One request per key, several at a time, as if they had been sent one after the other."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from contextlib import closing

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError


def fetch_each(keys, fetch, max_concurrency, label):
    """``{key: fetch(key)}`` for distinct ``keys``, at most ``max_concurrency`` requests at a time.

    A failure is that of the first key in the order given, its message prefixed with ``label % key``; requests not
    yet started are cancelled. For reads, and for anything that must not go on once one has failed.
    """
    fetched = {}
    with closing(_outcomes(keys, fetch, max_concurrency)) as outcomes:
        for key, result, error in outcomes:
            if error is not None:
                error.add_context(label % key)
                raise error
            fetched[key] = result
    return fetched


def try_each(keys, attempt, max_concurrency):
    """``(results, failures)`` for distinct ``keys``, at most ``max_concurrency`` at a time: ``{key: attempt(key)}`` of
    those that succeeded and ``{key: ApsaraMQError}`` of the others, each in the order given.

    Every key is tried whatever the others' fate: for writes, where one failure must not keep the rest from being done.
    """
    results, failures = {}, {}
    with closing(_outcomes(keys, attempt, max_concurrency)) as outcomes:
        for key, result, error in outcomes:
            if error is None:
                results[key] = result
            else:
                failures[key] = error
    return results, failures


def _outcomes(keys, request, max_concurrency):
    """``(key, result, error)`` of each key in the order given; closed early, the requests not yet started are cancelled.

    One key, or one request at a time, needs no thread (and sends nothing past the point where the caller stops).
    """
    if len(keys) <= 1 or max_concurrency == 1:
        for key in keys:
            yield (key,) + _outcome(request, key)
        return
    from concurrent.futures import ThreadPoolExecutor
    pool = ThreadPoolExecutor(max_workers=min(max_concurrency, len(keys)))
    futures = [pool.submit(_outcome, request, key) for key in keys]
    try:
        for key, future in zip(keys, futures):
            yield (key,) + future.result()
    finally:
        for pending in futures:
            pending.cancel()
        pool.shutdown(wait=True)


def _outcome(request, key):
    """``(result, None)``, or ``(None, error)`` for the collection's failures; anything else (a defect) goes through."""
    try:
        return request(key), None
    except ApsaraMQError as exc:
        return None, exc
