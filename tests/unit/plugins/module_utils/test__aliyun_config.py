# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The aliyun CLI's config file: read with a warning when others can read it, its profiles found and checked for the fields
their mode needs, in one-line messages that never show a value from the file."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._aliyun_config import (
    REQUIRED_FIELDS, find_profile, incomplete_profile_error, missing_fields, read_config, text_field,
)
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError

AK_PROFILE = {'name': 'dev', 'mode': 'AK', 'access_key_id': 'profile-id', 'access_key_secret': 'profile-access-key-secret'}
DOCUMENT = {'current': 'dev', 'profiles': [AK_PROFILE, dict(AK_PROFILE, name='other')], 'meta_path': ''}
PATH = '/home/user/.aliyun/config.json'


def write_config(directory, content, mode=0o600):
    path = directory / 'config.json'
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    path.chmod(mode)
    return str(path)


# --- read_config -------------------------------------------------------------------------------------

def test_a_private_config_file_is_read_without_a_warning(tmp_path):
    assert read_config(write_config(tmp_path, DOCUMENT)) == (DOCUMENT, None)


@pytest.mark.parametrize('mode', [0o640, 0o604, 0o644, 0o666])
def test_a_config_file_others_can_read_comes_with_a_warning_naming_its_mode(tmp_path, mode):
    path = write_config(tmp_path, DOCUMENT, mode)
    assert read_config(path) == (DOCUMENT, 'The aliyun config file %s can be read by other users (mode %04o) and holds credentials; '
                                           'make it private with: chmod 600 %s' % (path, mode, path))


@pytest.mark.parametrize('mode', [0o600, 0o400, 0o700, 0o620, 0o602])
def test_a_config_file_only_its_owner_can_read_draws_no_warning(tmp_path, mode):
    assert read_config(write_config(tmp_path, DOCUMENT, mode))[1] is None


@pytest.mark.parametrize('raw, message', [
    (b'{"profiles": [', 'is not valid JSON (line 1, column 15)'),
    (b'{"profiles": [{"name": "dev", "access_key_secret": "profile-secret",}]}', 'is not valid JSON (line 1, column 68)'),
    (b'\xff\xfe{}', 'is not valid JSON (not UTF-8 text)'),
    (b'["profiles"]', 'is not an aliyun CLI config: expected {"current": ..., "profiles": [...]}'),
    (b'{"profiles": {"dev": {}}}', 'is not an aliyun CLI config: expected {"current": ..., "profiles": [...]}'),
])
def test_a_config_file_that_is_not_json_fails_without_showing_its_content(tmp_path, raw, message):
    path = write_config(tmp_path, raw)
    with pytest.raises(ApsaraMQError) as failure:
        read_config(path)
    assert str(failure.value) == 'The aliyun config file %s %s' % (path, message)


@pytest.mark.parametrize('name, reason', [('missing.json', 'No such file or directory'), ('', 'Is a directory')])
def test_a_config_file_that_cannot_be_read_is_one_line_with_the_reason(tmp_path, name, reason):
    path = str(tmp_path / name)
    with pytest.raises(ApsaraMQError) as failure:
        read_config(path)
    assert str(failure.value) == 'Cannot read the aliyun config file %s: %s' % (path, reason)


# --- find_profile ------------------------------------------------------------------------------------

@pytest.mark.parametrize('document, name, expected', [
    (DOCUMENT, 'other', 'other'),
    (DOCUMENT, None, 'dev'),
    (dict(DOCUMENT, current='other'), None, 'other'),
    (dict(DOCUMENT, current='', profiles=[dict(AK_PROFILE, name='default')]), None, 'default'),
    ({'profiles': [dict(AK_PROFILE, name='default')]}, None, 'default'),
])
def test_the_profile_is_the_one_named_else_the_current_one_else_default(document, name, expected):
    assert find_profile(document, PATH, name)['name'] == expected


def test_a_profile_without_a_mode_is_an_ak_profile_and_the_document_is_left_as_it_is():
    document = {'profiles': [{'name': 'dev', 'access_key_id': 'id', 'access_key_secret': 'profile-access-key-secret'}]}
    assert find_profile(document, PATH, 'dev') == dict(document['profiles'][0], mode='AK')
    assert 'mode' not in document['profiles'][0]


@pytest.mark.parametrize('profiles, name, message', [
    ([AK_PROFILE, 'not a profile', dict(AK_PROFILE, name='b')], 'prod', "The aliyun config file %s has no profile 'prod' (profiles: b, dev)"),
    ([], None, "The aliyun config file %s has no profile 'default' (profiles: none)"),
    ([dict(AK_PROFILE, mode='CloudSSO')], 'dev', "Profile 'dev' in %s uses mode 'CloudSSO', which this collection does not support; "
                                                 "supported modes: AK, StsToken, RamRoleArn, EcsRamRole, OIDC, ChainableRamRoleArn"),
    ([dict(AK_PROFILE, mode=['AK'])], 'dev', "Profile 'dev' in %s uses mode ['AK'], which this collection does not support"),
])
def test_a_profile_that_is_not_there_or_of_an_unsupported_mode_is_one_line(profiles, name, message):
    with pytest.raises(ApsaraMQError) as failure:
        find_profile({'profiles': profiles}, PATH, name)
    assert str(failure.value).startswith(message % PATH)
    assert 'profile-access-key-secret' not in str(failure.value)


# --- the fields a mode needs -------------------------------------------------------------------------

@pytest.mark.parametrize('mode', sorted(REQUIRED_FIELDS))
def test_a_profile_with_every_field_of_its_mode_misses_nothing(mode):
    profile = dict(((field, 'value of %s' % field) for field in REQUIRED_FIELDS[mode]), name='p', mode=mode)
    assert missing_fields(profile) == []


@pytest.mark.parametrize('value', ['', '   ', None, 42, ['x']])
def test_an_empty_blank_or_non_text_field_is_missing(value):
    profile = dict(AK_PROFILE, access_key_secret=value)
    assert missing_fields(profile) == ['access_key_secret']
    assert text_field(profile, 'access_key_secret') is None


def test_a_text_field_is_stripped():
    assert text_field({'region_id': ' cn-hangzhou\n'}, 'region_id') == 'cn-hangzhou'


@pytest.mark.parametrize('profile, missing', [
    (dict(AK_PROFILE, access_key_secret=''), 'access_key_secret'),
    ({'name': 'dev', 'mode': 'StsToken'}, 'access_key_id, access_key_secret, sts_token'),
    ({'name': 'dev', 'mode': 'OIDC', 'ram_role_arn': 'acs:ram::1:role/r'}, 'oidc_provider_arn, oidc_token_file'),
    ({'name': 'dev', 'mode': 'ChainableRamRoleArn', 'ram_role_arn': 'acs:ram::1:role/r'}, 'source_profile'),
])
def test_an_incomplete_profile_says_what_it_lacks_and_how_to_set_it(profile, missing):
    assert str(incomplete_profile_error(profile, PATH)) == (
        "Profile 'dev' (mode %s) in %s has no %s; set it with: aliyun configure --profile dev --mode %s" % (profile['mode'], PATH, missing, profile['mode']))
