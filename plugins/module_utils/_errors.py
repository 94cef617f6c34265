# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The collection's exceptions: each carries the one-line message a user sees."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# C0 and C1 control characters and DEL: one_line collapses the whitespace among them and escapes the rest.
CONTROL_CHARACTER = re.compile('[\x00-\x1f\x7f-\x9f]')


def one_line(text):
    """A message from anywhere (a server, an exception, a user's option) as one line that is safe to print.

    Whitespace is collapsed; any other control character is shown escaped, so that a server's terminal escape
    sequences reach no terminal.
    """
    return CONTROL_CHARACTER.sub(lambda match: repr(match.group())[1:-1], ' '.join(str(text).split()))


class ApsaraMQError(Exception):
    """A failure the user can act on; ``str()`` is the whole one-line message.

    ``retryable``: another attempt may succeed (throttling, 5xx, a broken connection); ``retry_after``: the seconds
    the server asked to wait first, or None.
    """

    def __init__(self, message, retryable=False, retry_after=None):
        super(ApsaraMQError, self).__init__(one_line(message))
        self.retryable = retryable
        self.retry_after = retry_after

    def add_context(self, context):
        """Say which item of a batch failed, keeping the exception (and its error fields) as it is."""
        self.args = ('%s: %s' % (one_line(context), self.args[0]),)

    def add_detail(self, detail):
        """Append what happened around the failure, such as how many attempts were made."""
        self.args = ('%s; %s' % (self.args[0].rstrip('.'), one_line(detail)),)


class ApiError(ApsaraMQError):
    """An error answer of an Alibaba Cloud API, with the fields playbooks may test."""

    def __init__(self, action, code, message, request_id, http_status, hint=None, retryable=False, retry_after=None):
        self.code = code
        self.message = one_line(message or '')
        self.request_id = request_id
        self.http_status = http_status
        text = '%s failed: %s: %s (request ID %s, HTTP %s)' % (action, code, self.message or 'no message', request_id or 'none', http_status)
        super(ApiError, self).__init__(text + ('. ' + hint if hint else ''), retryable, retry_after)

    def as_dict(self):
        return {'code': self.code, 'message': self.message, 'request_id': self.request_id, 'http_status': self.http_status}
