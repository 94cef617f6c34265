# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Every item of a paged listing, whatever the operation, also while the fleet moves under it.

The API pages by page number, and a fleet is never still: a deletion on a page already read shifts every later item one slot
forward (the first item of the next page slips into the page read, and a plain pager never sees it), a registration before
the read position shifts them back (an item of the page read comes again). So:

- Items are told apart by identity: one that comes again is dropped, never an error.
- Each answer's ``Total`` is kept. The documentation disagrees on what it counts, so it never decides where the listing
  ends (the pages are read until the first short one), but any change of it between two answers says the fleet moved,
  and so does an item that came again.
- Nothing moved: the listing is done, at no extra request. Something moved: the pages up to the last one answered after a
  change are read once more (every item lost at a page boundary sits there since), and what they hold that was not seen
  is added in its place. When that second look moved too, one last look reads the whole listing. Three looks at most:
  a fleet that never stops moving cannot hold a task forever.

Guaranteed: when a look saw no movement, every item that existed throughout the listing is in it, exactly once. A change
that no answer shows (a registration and a deletion that balance ``Total`` between the same two answers, or a ``Total``
that counts pages or is absent) goes unseen; ``settled`` is False when every look moved, and then an item that existed
throughout may be missing. An item registered or deleted during the listing may or may not be in it.

A server that ignores ``PageNo`` answers pages that bring nothing new: two of them in a row fail in one line (a fleet
would need a whole page of registrations ahead of the read position twice in a row). A server that never stops answering
full pages fails at ``max_pages``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError

MAX_LOOKS = 3
FIRST_LOOK = object()  # what the first look has in place of the Total of a look before


class Listed(list):
    """``[(item, request_id)]`` in API order; ``settled`` is False when the fleet moved during every look (see the module)."""

    settled = True


class Listing:
    """What a paged operation lists: ``action`` and ``noun`` name it in messages (``ListCaCertificate``, ``CAs``),
    ``identity(item)`` tells items apart, and no more than ``max_pages`` pages are read."""

    def __init__(self, action, noun, identity, max_pages):
        self.action = action
        self.noun = noun
        self.identity = identity
        self.max_pages = max_pages

    def read(self, fetch_page, page_size, max_concurrency=1, keep=None):
        """A ``Listed`` of the items ``keep(item)`` accepts (all without it), in API order.

        ``fetch_page(page_no)`` returns ``(items, request_id, total)`` of one page, ``total`` being the answer's Total or
        None. With ``max_concurrency`` above 1, up to that many pages are in flight: the pages that Total says exist at
        once, then, past them, one page, two, four... so that a Total that is right costs no request past the end, and
        one that is wrong costs at most ``max_concurrency - 1``.
        """
        look = self._look(_Look(self, page_size, keep), fetch_page, max_concurrency, self.max_pages)
        listed = look.entries
        for look_no in range(2, MAX_LOOKS + 1):
            if look.moved_through is None:
                return listed
            # The second look reads the pages an item may have slipped into; the last one, the whole listing.
            last_page = look.moved_through if look_no < MAX_LOOKS else self.max_pages
            look = self._look(_Look(self, page_size, keep, look.last_total), fetch_page, max_concurrency, last_page)
            listed = self._merged(listed, look.entries)
        listed.settled = look.moved_through is None
        return listed

    def _look(self, look, fetch_page, max_concurrency, last_page):
        """``look``, having read pages 1 to ``last_page`` until the first short one; full pages up to ``max_pages`` fail."""
        answers = self._answers(fetch_page, max_concurrency, look, last_page)
        try:
            for page_no, page, request_id, total in answers:
                if look.take(page_no, page, request_id, total):
                    return look
                if page_no == last_page:
                    break
        finally:
            answers.close()
        if last_page < self.max_pages:
            return look
        raise ApsaraMQError('%s was still answering full pages after %d pages of %d %s (request ID %s), more than an instance holds; '
                            'check endpoint and proxy' % (self.action, self.max_pages, look.page_size, self.noun, request_id or 'none'))

    def _answers(self, fetch_page, max_concurrency, look, last_page):
        """``(page_no, items, request_id, total)`` of pages 1 to ``last_page``, in page order."""
        page, request_id, total = fetch_page(1)
        yield 1, page, request_id, total
        if max_concurrency == 1:
            for page_no in range(2, last_page + 1):
                yield (page_no,) + tuple(fetch_page(page_no))
        else:
            yield from self._concurrently(fetch_page, max_concurrency, look.hinted_pages(total), last_page)

    def _concurrently(self, fetch_page, max_concurrency, hinted_pages, last_page):
        """``(page_no, items, request_id, total)`` of pages 2 to ``last_page`` in page order, several in flight."""
        from concurrent.futures import ThreadPoolExecutor
        pool = ThreadPoolExecutor(max_workers=max_concurrency)
        in_flight, next_page, past_hint_window = {}, 2, 1
        try:
            for page_no in range(2, last_page + 1):
                while next_page <= last_page and len(in_flight) < (max_concurrency if next_page <= hinted_pages else past_hint_window):
                    in_flight[next_page] = pool.submit(fetch_page, next_page)
                    next_page += 1
                yield (page_no,) + tuple(in_flight.pop(page_no).result())
                if page_no > hinted_pages:
                    past_hint_window = min(max_concurrency, past_hint_window * 2)
        finally:
            for future in in_flight.values():
                future.cancel()
            pool.shutdown(wait=True)

    def _merged(self, listed, entries):
        """``listed`` with the items of a later look's ``entries`` it lacks, each after the item it follows in that look."""
        known = set(self.identity(item) for item, dummy in listed)
        following, anchor = {}, None  # identity of an item of ``listed`` (None: the start) -> the new items after it
        for entry in entries:
            identity = self.identity(entry[0])
            if identity in known:
                anchor = identity
            else:
                known.add(identity)
                following.setdefault(anchor, []).append(entry)
        merged = Listed(following.get(None, ()))
        for entry in listed:
            merged.append(entry)
            merged.extend(following.get(self.identity(entry[0]), ()))
        return merged


class _Look:
    """One pass over the pages: the items ``keep`` accepts, and where the fleet was seen moving."""

    def __init__(self, listing, page_size, keep, previous_total=FIRST_LOOK):
        self.listing = listing
        self.page_size = page_size
        self.keep = keep
        self.first = previous_total is FIRST_LOOK
        self.last_total = previous_total  # the Total of the answer before, in page order (of the look before, for page 1)
        self.moved_through = None  # the last page answered after a change
        self.entries, self._seen, self._stale_pages = Listed(), set(), 0

    def hinted_pages(self, total):
        """The pages to read up to the first short one if ``total`` counts the items: when it is a multiple of the page size,
        the empty page past them, which is then sent with the others rather than a round of requests later."""
        return total // self.page_size + 1 if isinstance(total, int) and not isinstance(total, bool) and total > 0 else 1

    def take(self, page_no, page, request_id, total):
        """Adds the page's items not seen before that ``keep`` accepts; whether it was the last page."""
        identity, seen, keep = self.listing.identity, self._seen, self.keep
        fresh = 0
        for item in page:
            key = identity(item)
            if key in seen:
                continue
            seen.add(key)
            fresh += 1
            if keep is None or keep(item):
                self.entries.append((item, request_id))
        if fresh < len(page) or (total != self.last_total and not (self.first and page_no == 1)):
            self.moved_through = page_no
        self.last_total = total
        if page and not fresh and self.first:
            self._stale_pages += 1
            if self._stale_pages == 2:
                raise ApsaraMQError('%s answered pages %d and %d with %s of earlier pages only (request ID %s): the server ignores PageNo; '
                                    'check endpoint and proxy' % (self.listing.action, page_no - 1, page_no, self.listing.noun, request_id or 'none'))
        else:
            self._stale_pages = 0
        return len(page) < self.page_size
