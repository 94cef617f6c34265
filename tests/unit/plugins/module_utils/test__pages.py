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


def test_a_server_that_ignores_page_no_is_refused_in_one_line_at_its_second_page_of_nothing_new():
    with pytest.raises(ApsaraMQError, match=r'^ListThings answered pages 2 and 3 with things of earlier pages only \(request ID R3\): '
                       r'the server ignores PageNo; check endpoint and proxy$'):
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


def test_a_total_that_is_a_multiple_of_the_page_size_sends_the_empty_page_past_it_with_the_others():
    listing = Listing('ListThings', 'things', identity=lambda item: item['id'], max_pages=1000)
    fetch_page, asked = pages_of(100, 10, 100)
    empty_page_asked, waits = threading.Event(), []

    def last_pages_wait_for_the_empty_one(page_no):
        if page_no == 11:
            empty_page_asked.set()
        elif page_no > 1:
            waits.append(empty_page_asked.wait(2))  # the empty page, when sent a round later, comes only after these answered
        return fetch_page(page_no)
    assert len(listing.read(last_pages_wait_for_the_empty_one, 10, max_concurrency=16)) == 100
    assert sorted(asked) == list(range(1, 12)) and waits == [True] * 9


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


# --- a fleet that moves while it is listed --------------------------------------------------------------------------------------
class Fleet:
    """Items 0..count-1 served page by page as the API does (Total: the item count, the page count or None); ``before(page_no,
    change)`` changes the fleet once, just before the first answer of that page; ``asked`` records the pages asked for."""

    def __init__(self, count, page_size, total='items'):
        self.items = [{'id': number} for number in range(count)]
        self.page_size, self.total, self.asked, self.changes = page_size, total, [], {}
        self.lock = threading.Lock()

    def before(self, page_no, change):
        self.changes[page_no] = change

    def delete(self, *numbers):
        return lambda: setattr(self, 'items', [item for item in self.items if item['id'] not in numbers])

    def register(self, position, *numbers):
        return lambda: setattr(self, 'items', self.items[:position] + [{'id': number} for number in numbers] + self.items[position:])

    def fetch_page(self, page_no):
        with self.lock:
            self.asked.append(page_no)
            self.changes.pop(page_no, lambda: None)()
            start = (page_no - 1) * self.page_size
            total = {'items': len(self.items), 'pages': -(-len(self.items) // self.page_size), None: None}[self.total]
            return list(self.items[start:start + self.page_size]), 'R%d' % len(self.asked), total


def ids(items):
    return [item['id'] for item, dummy in items]


MOVING = Listing('ListThings', 'things', identity=lambda item: item['id'], max_pages=1000)


@pytest.mark.parametrize('max_concurrency', [1, 4])
def test_nothing_moved_costs_no_extra_request(max_concurrency):
    fleet = Fleet(95, 10)
    listed = MOVING.read(fleet.fetch_page, 10, max_concurrency)
    assert ids(listed) == list(range(95)) and listed.settled
    assert sorted(fleet.asked) == list(range(1, 11))


@pytest.mark.parametrize('max_concurrency', [1, 4])
def test_a_deletion_on_a_page_already_read_loses_no_item_that_stayed(max_concurrency):
    fleet = Fleet(95, 10)
    fleet.before(6, fleet.delete(3))  # item 50 slips into page 5, already read
    listed = MOVING.read(fleet.fetch_page, 10, max_concurrency)
    assert ids(listed) == list(range(95)) and listed.settled  # 3, seen before it went, included: it existed during the listing
    if max_concurrency == 1:
        assert fleet.asked == list(range(1, 11)) + list(range(1, 7))  # a second look at the pages up to the change only


@pytest.mark.parametrize('max_concurrency', [1, 4])
def test_more_than_a_page_deleted_mid_listing_loses_nothing(max_concurrency):
    fleet = Fleet(300, 10)
    fleet.before(10, fleet.delete(*range(0, 250, 2)))  # a CA deleted with its devices: 125 of the 300, on every page
    listed = MOVING.read(fleet.fetch_page, 10, max_concurrency)
    # Every one that stayed, once; of the deleted ones, those read before they went. In API order when one page is read at a
    # time (pages in flight may come from before and after the change).
    assert set(range(1, 250, 2)) | set(range(250, 300)) <= set(ids(listed)) and len(ids(listed)) == len(set(ids(listed))) and listed.settled
    if max_concurrency == 1:
        assert ids(listed) == list(range(90)) + [number for number in range(90, 300) if number % 2 or number >= 250]


@pytest.mark.parametrize('max_concurrency', [1, 4])
def test_registrations_ahead_of_the_read_position_repeat_items_without_failing(max_concurrency):
    fleet = Fleet(95, 10)
    fleet.before(4, fleet.register(0, 1000, 1001, 1002))
    listed = MOVING.read(fleet.fetch_page, 10, max_concurrency)
    assert ids(listed) == [1000, 1001, 1002] + list(range(95)) and listed.settled


def test_a_whole_page_of_registrations_once_is_a_moving_fleet_not_a_server_that_ignores_page_no():
    fleet = Fleet(50, 10)
    fleet.before(3, fleet.register(0, *range(1000, 1010)))
    assert ids(MOVING.read(fleet.fetch_page, 10)) == list(range(1000, 1010)) + list(range(50))


def test_registrations_and_deletions_at_once_both_ways():
    fleet = Fleet(95, 10)
    fleet.before(3, fleet.delete(0, 1, 2))
    fleet.before(5, fleet.register(0, 1000))
    fleet.before(8, fleet.delete(60))
    listed = MOVING.read(fleet.fetch_page, 10)
    assert ids(listed) == [1000] + list(range(95)) and listed.settled


def test_a_repeat_tells_a_move_also_without_total():
    fleet = Fleet(95, 10, total=None)
    fleet.before(4, fleet.register(0, 1000))
    assert ids(MOVING.read(fleet.fetch_page, 10)) == [1000] + list(range(95))
    assert fleet.asked == list(range(1, 11)) + list(range(1, 5))


def test_a_move_between_the_looks_takes_a_last_look_at_the_whole_listing():
    fleet = Fleet(95, 10)
    fleet.before(6, fleet.delete(3))

    def insert_at_second_look(page_no, fetch=fleet.fetch_page):
        if len(fleet.asked) == 10:  # the first look is done: the second look's page 1 sees another change
            fleet.items.insert(0, {'id': 1000})
        return fetch(page_no)
    listed = MOVING.read(insert_at_second_look, 10)
    assert ids(listed) == [1000] + list(range(95)) and listed.settled
    assert fleet.asked == list(range(1, 11)) + list(range(1, 7)) + list(range(1, 11))


def test_a_fleet_that_never_stops_moving_costs_three_looks_at_most_and_says_it_is_not_settled():
    fleet = Fleet(95, 10)
    counter = iter(range(1000, 10 ** 6))

    def always_moving(page_no):
        fleet.items.insert(0, {'id': next(counter)})
        return fleet.fetch_page(page_no)
    listed = MOVING.read(always_moving, 10)
    assert not listed.settled
    assert set(range(95)) <= set(ids(listed)) and len(ids(listed)) == len(set(ids(listed)))
    assert len(fleet.asked) <= 40  # three looks of about 12 pages each
