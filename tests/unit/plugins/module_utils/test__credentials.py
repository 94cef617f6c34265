# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._credentials import resolve_credentials
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError

NO_OPTIONS = {'access_key_id': None, 'access_key_secret': None, 'security_token': None}


def test_options_win_over_the_environment():
    params = dict(NO_OPTIONS, access_key_id='option-id', access_key_secret='option-secret')
    credentials = resolve_credentials(params, {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'env-id', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'env-secret'})
    assert (credentials.access_key_id, credentials.access_key_secret, credentials.source) == ('option-id', 'option-secret', 'The module options')


def test_the_token_belongs_to_its_source():
    params = dict(NO_OPTIONS, access_key_id='option-id', access_key_secret='option-secret')
    assert resolve_credentials(params, {'ALIBABA_CLOUD_SECURITY_TOKEN': 'env-token'}).security_token is None


@pytest.mark.parametrize('environ, expected', [
    ({'ALIBABA_CLOUD_ACCESS_KEY_ID': 'a', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'b', 'ALIBABA_CLOUD_SECURITY_TOKEN': 't'}, ('a', 'b', 't')),
    ({'ALICLOUD_ACCESS_KEY': 'a', 'ALICLOUD_SECRET_KEY': 'b', 'ALICLOUD_SECURITY_TOKEN': 't'}, ('a', 'b', 't')),
    ({'ALICLOUD_ACCESS_KEY_ID': 'a', 'ALICLOUD_SECRET_ACCESS_KEY': 'b'}, ('a', 'b', None)),
    # the current names win over the legacy ones; an empty variable counts as unset
    ({'ALIBABA_CLOUD_ACCESS_KEY_ID': 'new', 'ALICLOUD_ACCESS_KEY': 'old', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': '',
      'ALICLOUD_SECRET_KEY': 'old-secret'}, ('new', 'old-secret', None)),
])
def test_environment_variables_current_and_legacy(environ, expected):
    credentials = resolve_credentials(NO_OPTIONS, environ)
    assert (credentials.access_key_id, credentials.access_key_secret, credentials.security_token) == expected


def test_half_a_key_pair_in_the_options_names_the_missing_option():
    with pytest.raises(ApsaraMQError, match='access_key_secret is missing.*option access_key_secret'):
        resolve_credentials(dict(NO_OPTIONS, access_key_id='id'), {'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'not-mixed-in'})


def test_half_a_key_pair_in_the_environment_names_the_variables():
    with pytest.raises(ApsaraMQError, match='access_key_id is missing .environment variable ALIBABA_CLOUD_ACCESS_KEY_ID or ALICLOUD_ACCESS_KEY'):
        resolve_credentials(NO_OPTIONS, {'ALICLOUD_SECRET_KEY': 'the-secret-value'})


def test_nothing_found_lists_every_source_tried_and_is_one_line():
    with pytest.raises(ApsaraMQError) as failure:
        resolve_credentials(NO_OPTIONS, {})
    message = str(failure.value)
    assert '\n' not in message
    for source in ('access_key_id', 'ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY', 'module_defaults'):
        assert source in message


def test_errors_never_carry_the_secret():
    with pytest.raises(ApsaraMQError) as failure:
        resolve_credentials(NO_OPTIONS, {'ALICLOUD_SECRET_KEY': 'the-secret-value'})
    assert 'the-secret-value' not in str(failure.value)
