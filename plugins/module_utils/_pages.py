# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Every item of a paged listing, whatever the operation.

The API's documentation disagrees on what ``Total`` counts, so it is never trusted: the pages are read until the
first short (or empty) one. A server that repeats a page (one that ignores ``PageNo``), or never stops answering
full pages, fails in one line instead of being paged forever.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError


class Listing:
    """What a paged operation lists: ``action`` and ``noun`` name it in messages (``ListCaCertificate``, ``CAs``),
    ``identity(item)`` tells items apart, and no more than ``max_pages`` pages are read."""

    def __init__(self, action, noun, identity, max_pages):
        self.action = action
        self.noun = noun
        self.identity = identity
        self.max_pages = max_pages

    def read(self, fetch_page, page_size, max_concurrency=1, keep=None):
        """``[(item, request_id)]`` of the items ``keep(item)`` accepts (all without it), in API order.

        ``fetch_page(page_no)`` returns ``(items, request_id, total)`` of one page, ``total`` being the answer's Total or
        None. With ``max_concurrency`` above 1, up to that many pages are in flight: the pages that Total says exist at
        once, then, past them, one page, two, four... so that a Total that is right costs no request past the end, and
        one that is wrong costs at most ``max_concurrency - 1``.
        """
        page, request_id, total = fetch_page(1)
        collected, seen = [], set()
        if self._take(1, page, request_id, page_size, collected, seen, keep):
            return collected
        if max_concurrency == 1:
            for page_no in range(2, self.max_pages + 1):
                page, request_id, dummy = fetch_page(page_no)
                if self._take(page_no, page, request_id, page_size, collected, seen, keep):
                    return collected
            raise self._endless(page_size, request_id)
        hinted_pages = -(-total // page_size) if isinstance(total, int) and not isinstance(total, bool) and total > 0 else 1
        return self._read_concurrently(fetch_page, page_size, max_concurrency, hinted_pages, keep, collected, seen)

    def _read_concurrently(self, fetch_page, page_size, max_concurrency, hinted_pages, keep, collected, seen):
        from concurrent.futures import ThreadPoolExecutor
        pool = ThreadPoolExecutor(max_workers=max_concurrency)
        in_flight, next_page, past_hint_window = {}, 2, 1
        try:
            for page_no in range(2, self.max_pages + 1):
                while next_page <= self.max_pages and len(in_flight) < (max_concurrency if next_page <= hinted_pages else past_hint_window):
                    in_flight[next_page] = pool.submit(fetch_page, next_page)
                    next_page += 1
                page, request_id, dummy = in_flight.pop(page_no).result()
                if self._take(page_no, page, request_id, page_size, collected, seen, keep):
                    return collected
                if page_no > hinted_pages:
                    past_hint_window = min(max_concurrency, past_hint_window * 2)
            raise self._endless(page_size, request_id)
        finally:
            for future in in_flight.values():
                future.cancel()
            pool.shutdown(wait=True)

    def _take(self, page_no, page, request_id, page_size, collected, seen, keep):
        """Adds the page's items that ``keep`` accepts to ``collected``; whether it was the last page."""
        keys = [self.identity(item) for item in page]
        if seen.intersection(keys):
            raise ApsaraMQError('%s returned %s of an earlier page again on page %d (request ID %s)'
                                % (self.action, self.noun, page_no, request_id or 'none'))
        seen.update(keys)
        collected.extend((item, request_id) for item in page if keep is None or keep(item))
        return len(page) < page_size

    def _endless(self, page_size, request_id):
        return ApsaraMQError('%s was still answering full pages after %d pages of %d %s (request ID %s), more than an instance holds; '
                             'check endpoint and proxy' % (self.action, self.max_pages, page_size, self.noun, request_id or 'none'))
