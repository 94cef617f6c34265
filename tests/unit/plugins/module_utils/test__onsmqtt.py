# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._onsmqtt import check_sn, region_endpoint


@pytest.mark.parametrize('region, vpc, host', [
    ('cn-hangzhou', False, 'onsmqtt.cn-hangzhou.aliyuncs.com'),
    ('cn-hangzhou', True, 'onsmqtt-vpc.cn-hangzhou.aliyuncs.com'),
    # not in the documented list: built by the pattern, not refused
    ('xx-mars-1', False, 'onsmqtt.xx-mars-1.aliyuncs.com'),
])
def test_region_endpoint(region, vpc, host):
    assert region_endpoint(region, vpc) == host


@pytest.mark.parametrize('region', ['', 'cn hangzhou', 'cn-hangzhou/evil', 'CN-HANGZHOU', 'cn-hangzhou.', '-cn', 'cn_hangzhou'])
def test_region_that_cannot_be_a_host_label_is_refused(region):
    with pytest.raises(ApsaraMQError, match='is not a region ID such as cn-hangzhou'):
        region_endpoint(region)


@pytest.mark.parametrize('sn', ['a', 'x' * 128, 'é' * 64, 'a&b=c d+e/f'])
def test_sn_of_1_to_128_bytes_is_accepted(sn):
    check_sn(sn)


@pytest.mark.parametrize('sn, size', [('', 0), ('x' * 129, 129), ('é' * 65, 130)])
def test_sn_outside_1_to_128_bytes_is_refused_with_its_size(sn, size):
    with pytest.raises(ApsaraMQError, match='is %d bytes long; a CA serial number has 1 to 128 bytes' % size):
        check_sn(sn)
