# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._secrets import MIN_SECRET_CHARACTERS, check_secret


@pytest.mark.parametrize('value', [None, '', 'x' * MIN_SECRET_CHARACTERS, 'a 30-character access key sec'])
def test_absent_or_long_enough_secrets_pass(value):
    check_secret(value, 'access_key_secret')


@pytest.mark.parametrize('value, length', [('§', '1 character'), ('§' * (MIN_SECRET_CHARACTERS - 1), '15 characters')])
def test_a_secret_too_short_to_mask_is_refused_by_name_not_value(value, length):
    with pytest.raises(ApsaraMQError) as failure:
        check_secret(value, 'access_key_secret')
    assert str(failure.value).startswith('access_key_secret is %s long, too short to be a real one (at least 16;' % length)
    assert '§' not in str(failure.value)
