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

    def read(self, fetch_page, page_size):
        """``[(item, request_id)]``, in API order; ``fetch_page(page_no)`` returns ``(items, request_id)`` of one page."""
        items, seen = [], set()
        for page_no in range(1, self.max_pages + 1):
            page, request_id = fetch_page(page_no)
            keys = [self.identity(item) for item in page]
            if seen.intersection(keys):
                raise ApsaraMQError('%s returned %s of an earlier page again on page %d (request ID %s)'
                                    % (self.action, self.noun, page_no, request_id or 'none'))
            seen.update(keys)
            items.extend((item, request_id) for item in page)
            if len(page) < page_size:
                return items
        raise ApsaraMQError('%s was still answering full pages after %d pages of %d %s (request ID %s), more than an instance holds; '
                            'check endpoint and proxy' % (self.action, self.max_pages, page_size, self.noun, request_id or 'none'))
