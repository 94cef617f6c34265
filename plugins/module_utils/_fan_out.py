# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""One request per key, several at a time, as if they had been sent one after the other."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError


def fetch_each(keys, fetch, max_concurrency, label):
    """``{key: fetch(key)}`` for distinct ``keys``, at most ``max_concurrency`` requests at a time.

    A failure is that of the first key in the order given, its message prefixed with ``label % key``; requests not
    yet started are cancelled. One key, or one request at a time, needs no thread.
    """
    fetched = {}
    if len(keys) <= 1 or max_concurrency == 1:
        for key in keys:
            try:
                fetched[key] = fetch(key)
            except ApsaraMQError as exc:
                exc.add_context(label % key)
                raise
        return fetched
    from concurrent.futures import ThreadPoolExecutor
    pool = ThreadPoolExecutor(max_workers=min(max_concurrency, len(keys)))
    try:
        futures = [pool.submit(fetch, key) for key in keys]
        for key, future in zip(keys, futures):
            try:
                fetched[key] = future.result()
            except ApsaraMQError as exc:
                for pending in futures:
                    pending.cancel()
                exc.add_context(label % key)
                raise
    finally:
        pool.shutdown(wait=True)
    return fetched
