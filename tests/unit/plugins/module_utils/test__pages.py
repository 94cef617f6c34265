# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pager on its own, with pages made in memory; test__onsmqtt.py runs it against the emulator and hostile servers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._pages import Listing

LISTING = Listing('ListThings', 'things', identity=lambda item: item['id'], max_pages=5)


def pages_of(count, page_size, total=None):
    """fetch_page over ``count`` items; ``asked`` records the pages asked for. ``total`` is what a lying Total would say."""
    asked = []

    def fetch_page(page_no):
        asked.append(page_no)
        start = (page_no - 1) * page_size
        return [{'id': number} for number in range(start, min(start + page_size, count))], 'R%d' % page_no
    return fetch_page, asked


@pytest.mark.parametrize('count, page_size, pages', [(0, 10, [1]), (9, 10, [1]), (10, 10, [1, 2]), (23, 10, [1, 2, 3]), (49, 10, [1, 2, 3, 4, 5])])
def test_pages_are_read_until_the_first_short_one(count, page_size, pages):
    fetch_page, asked = pages_of(count, page_size)
    items = LISTING.read(fetch_page, page_size)
    assert [item['id'] for item, dummy in items] == list(range(count))
    assert [request_id for dummy, request_id in items] == ['R%d' % (number // page_size + 1) for number in range(count)]
    assert asked == pages


def test_a_repeated_page_is_refused_in_one_line():
    with pytest.raises(ApsaraMQError, match=r'^ListThings returned things of an earlier page again on page 2 \(request ID R2\)$'):
        LISTING.read(lambda page_no: ([{'id': 1}, {'id': 2}], 'R%d' % page_no), 2)


def test_full_pages_past_max_pages_are_refused_in_one_line():
    fetch_page, asked = pages_of(10 ** 6, 10)
    with pytest.raises(ApsaraMQError, match=r'^ListThings was still answering full pages after 5 pages of 10 things \(request ID R5\), '
                       r'more than an instance holds; check endpoint and proxy$'):
        LISTING.read(fetch_page, 10)
    assert asked == [1, 2, 3, 4, 5]
