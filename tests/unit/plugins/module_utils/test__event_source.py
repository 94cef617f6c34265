# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The event source's arguments, checked as a module's options are (the polls: tests/unit/extensions/eda/)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._connection import DEFAULTS
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._event_source import check_arguments

SECRET = 'a-secret-of-thirty-characters'


def test_defaults_are_filled_in_and_the_secrets_are_known():
    options, secrets = check_arguments({'instance_id': 'post-cn-x', 'access_key_secret': SECRET, 'security_token': 'a-token-of-twenty-chars'})
    assert (options['interval'], options['expiry_thresholds'], options['include_device_certificates']) == (300, [30, 7, 1], False)
    assert {name: options[name] for name in DEFAULTS} == DEFAULTS
    assert secrets == {SECRET, 'a-token-of-twenty-chars'}


def test_aliases_and_environment_fallbacks_are_the_modules(monkeypatch):
    monkeypatch.setenv('ALIBABA_CLOUD_REGION_ID', 'cn-shanghai')
    options, _secrets = check_arguments({'mqtt_instance_id': 'post-cn-x', 'secret_key': SECRET, 'endpoint_url': 'http://127.0.0.1:1'})
    assert (options['instance_id'], options['access_key_secret'], options['endpoint'], options['region']) == \
        ('post-cn-x', SECRET, 'http://127.0.0.1:1', 'cn-shanghai')


def test_strings_are_converted_as_ansible_converts_them():
    options, _secrets = check_arguments({'instance_id': 'post-cn-x', 'interval': '60', 'expiry_thresholds': ['14', 3],
                                         'include_device_certificates': 'yes'})
    assert (options['interval'], options['expiry_thresholds'], options['include_device_certificates']) == (60.0, [14, 3], True)


def test_a_type_error_never_shows_a_secret():
    with pytest.raises(ValueError) as raised:
        check_arguments({'instance_id': 'post-cn-x', 'access_key_secret': SECRET, 'timeout': {'not': SECRET}})
    assert SECRET not in str(raised.value) and "argument 'timeout'" in str(raised.value)
