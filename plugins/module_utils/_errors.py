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
    the server asked to wait first, or None; ``not_carried_out``: the request certainly had no effect (it was never
    sent, or the service refused it), so that even a request that must not be carried out twice may be sent again.
    """

    def __init__(self, message, retryable=False, retry_after=None, not_carried_out=False):
        super(ApsaraMQError, self).__init__(one_line(message))
        self.retryable = retryable
        self.retry_after = retry_after
        self.not_carried_out = not_carried_out

    def add_context(self, context):
        """Say which item of a batch failed, keeping the exception (and its error fields) as it is."""
        self.args = ('%s: %s' % (one_line(context), self.args[0]),)

    def add_detail(self, detail):
        """Append what happened around the failure, such as how many attempts were made."""
        self.args = ('%s; %s' % (self.args[0].rstrip('.'), one_line(detail)),)


class ApiError(ApsaraMQError):
    """An error answer of an Alibaba Cloud API, with the fields playbooks may test."""

    def __init__(self, action, code, message, request_id, http_status, hint=None, retryable=False, retry_after=None, not_carried_out=False):
        self.code = code
        self.message = one_line(message or '')
        self.request_id = request_id
        self.http_status = http_status
        text = '%s failed: %s: %s (request ID %s, HTTP %s)' % (action, code, self.message or 'no message', request_id or 'none', http_status)
        super(ApiError, self).__init__(text + ('. ' + hint if hint else ''), retryable, retry_after, not_carried_out)

    def as_dict(self):
        return {'code': self.code, 'message': self.message, 'request_id': self.request_id, 'http_status': self.http_status}


class NotFoundError(ApiError):
    """The API's answer that what a request names does not exist: a read fails with it, lifecycle code takes it for absent.

    Told by the error code alone (see the client's ``not_found_codes``): the service has answered it with HTTP 500, and 400.
    """


class OutcomeUnknownError(ApsaraMQError):
    """A request that must not be carried out twice failed in a way that leaves open whether the service carried it out
    (a timeout or a broken connection after it was sent, a 5xx answer); it was not sent again. ``cause``: that failure."""

    def __init__(self, action, cause):
        super(OutcomeUnknownError, self).__init__('%s; whether the service carried %s out is unknown, and it was not sent again, as carrying it '
                                                  'out twice is not harmless' % (cause, action))
        self.cause = cause
