# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pager on its own, with pages made in memory; test__onsmqtt.py runs it against the emulator and hostile servers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._pages import Listing

LISTING = Listing('ListThings', 'things', identity=lambda item: item['id'], max_pages=5)


def pages_of(count, page_size, total=None):
    """fetch_page over ``count`` items; ``asked`` records the pages asked for. ``total`` is what Total says (None: nothing)."""
    asked = []
    lock = threading.Lock()

    def fetch_page(page_no):
        with lock:
            asked.append(page_no)
        start = (page_no - 1) * page_size
        return [{'id': number} for number in range(start, min(start + page_size, count))], 'R%d' % page_no, total
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
        LISTING.read(lambda page_no: ([{'id': 1}, {'id': 2}], 'R%d' % page_no, None), 2)


def test_full_pages_past_max_pages_are_refused_in_one_line():
    fetch_page, asked = pages_of(10 ** 6, 10)
    with pytest.raises(ApsaraMQError, match=r'^ListThings was still answering full pages after 5 pages of 10 things \(request ID R5\), '
                       r'more than an instance holds; check endpoint and proxy$'):
        LISTING.read(fetch_page, 10)
    assert asked == [1, 2, 3, 4, 5]


@pytest.mark.parametrize('total', [None, 0, 46, 460, 'lies', 10 ** 6], ids=['none', 'zero', 'items', 'pages', 'text', 'huge'])
@pytest.mark.parametrize('count', [0, 9, 40, 46])
def test_concurrent_pages_keep_api_order_and_never_go_further_than_a_window_past_the_end(count, total):
    listing = Listing('ListThings', 'things', identity=lambda item: item['id'], max_pages=1000)
    fetch_page, asked = pages_of(count, 10, total)
    items = listing.read(fetch_page, 10, max_concurrency=4)
    assert [item['id'] for item, dummy in items] == list(range(count))
    last_page = count // 10 + 1
    assert sorted(asked)[:last_page] == list(range(1, last_page + 1))
    assert len(asked) - last_page <= 3  # max_concurrency - 1 past the end, whatever Total says


def test_a_total_that_is_right_costs_no_request_past_the_end():
    listing = Listing('ListThings', 'things', identity=lambda item: item['id'], max_pages=1000)
    fetch_page, asked = pages_of(95, 10, 95)
    assert len(listing.read(fetch_page, 10, max_concurrency=16)) == 95
    assert sorted(asked) == list(range(1, 11))


def test_the_filter_keeps_only_what_it_accepts_in_api_order():
    listing = Listing('ListThings', 'things', identity=lambda item: item['id'], max_pages=1000)
    fetch_page, dummy = pages_of(100, 10, 100)
    items = listing.read(fetch_page, 10, max_concurrency=4, keep=lambda item: item['id'] % 7 == 0)
    assert [item['id'] for item, dummy in items] == list(range(0, 100, 7))


def test_a_failing_page_fails_the_listing_with_the_first_failure_in_page_order():
    listing = Listing('ListThings', 'things', identity=lambda item: item['id'], max_pages=1000)
    fetch_page, dummy = pages_of(10 ** 4, 10, 10 ** 4)

    def failing(page_no):
        if page_no in (5, 7):
            raise ApsaraMQError('page %d failed' % page_no)
        return fetch_page(page_no)
    with pytest.raises(ApsaraMQError, match='^page 5 failed$'):
        listing.read(failing, 10, max_concurrency=8)


def test_concurrent_full_pages_past_max_pages_are_refused():
    fetch_page, asked = pages_of(10 ** 6, 10, None)
    with pytest.raises(ApsaraMQError, match=r'^ListThings was still answering full pages after 5 pages of 10 things \(request ID R5\)'):
        LISTING.read(fetch_page, 10, max_concurrency=4)
    assert sorted(asked) == [1, 2, 3, 4, 5]
