# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApiError, ApsaraMQError, NotFoundError, OutcomeUnknownError, one_line


@pytest.mark.parametrize('text, line', [
    ('a\n b\r\n\tc  d', 'a b c d'),
    # A server's terminal escape sequences are shown, not obeyed.
    ('\x1b[2J\x1b[31mred\x1b[0m', '\\x1b[2J\\x1b[31mred\\x1b[0m'),
    ('bell\x07 nul\x00 del\x7f csi\x9b', 'bell\\x07 nul\\x00 del\\x7f csi\\x9b'),
    ('é ü 中文', 'é ü 中文'),
])
def test_one_line_collapses_whitespace_and_shows_control_characters_escaped(text, line):
    assert one_line(text) == line


def test_context_and_detail_stay_on_one_line():
    error = ApsaraMQError('GetCaCertificate failed')
    error.add_context('SN x\n\x1b[31m')
    error.add_detail('gave up\nafter 2 attempts')
    assert str(error) == 'SN x \\x1b[31m: GetCaCertificate failed; gave up after 2 attempts'


def test_an_api_error_from_a_hostile_server_is_one_safe_line():
    error = ApiError('GetCaCertificate', 'Code', 'line one\nline two \x1b]0;title\x07', 'R1', 500)
    assert str(error) == 'GetCaCertificate failed: Code: line one line two \\x1b]0;title\\x07 (request ID R1, HTTP 500)'
    assert error.as_dict() == {'code': 'Code', 'message': 'line one line two \\x1b]0;title\\x07', 'request_id': 'R1', 'http_status': 500}


def test_an_error_carries_what_a_retry_needs():
    plain = ApsaraMQError('failed')
    assert (plain.retryable, plain.retry_after, plain.not_carried_out) == (False, None, False)
    throttled = ApsaraMQError('throttled', retryable=True, retry_after=1.5, not_carried_out=True)
    assert (throttled.retryable, throttled.retry_after, throttled.not_carried_out) == (True, 1.5, True)


def test_a_detail_follows_the_message_in_place_of_its_full_stop():
    error = ApsaraMQError('The service is unavailable.')
    error.add_detail('gave up after 3 attempts')
    assert str(error) == 'The service is unavailable; gave up after 3 attempts'


def test_an_api_error_without_message_or_request_id_says_so_and_ends_with_its_hint():
    error = ApiError('GetCaCertificate', 'SignatureDoesNotMatch', None, None, 400, hint='Check access_key_secret.')
    assert str(error) == 'GetCaCertificate failed: SignatureDoesNotMatch: no message (request ID none, HTTP 400). Check access_key_secret.'
    assert error.as_dict() == {'code': 'SignatureDoesNotMatch', 'message': '', 'request_id': None, 'http_status': 400}


def test_not_found_is_an_api_error_with_its_fields():
    error = NotFoundError('GetCaCertificate', 'FindCaBySnError', 'no such CA', 'R1', 500)
    assert isinstance(error, ApiError)
    assert error.as_dict() == {'code': 'FindCaBySnError', 'message': 'no such CA', 'request_id': 'R1', 'http_status': 500}


def test_an_unknown_outcome_names_the_action_and_keeps_its_cause():
    cause = ApsaraMQError('No answer from https://example.com to RegisterCaCertificate within 10 seconds', retryable=True)
    error = OutcomeUnknownError('RegisterCaCertificate', cause)
    assert error.cause is cause and not error.retryable
    assert str(error) == ('No answer from https://example.com to RegisterCaCertificate within 10 seconds; whether the service carried '
                          'RegisterCaCertificate out is unknown, and it was not sent again, as carrying it out twice is not harmless')
