# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The signer reproduces every vector of shared/reference/signing.md."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._signing import (
    EMPTY_BODY_SHA256, Credentials, acs3_canonical_request, acs3_headers, acs3_signature, canonical_query, percent_encode,
    rpc_params, rpc_signature, rpc_string_to_sign,
)

TEST_KEYS = Credentials('testid', 'testsecret', None, 'test')
STS_KEYS = TEST_KEYS._replace(security_token='STS.testtoken')

RPC_COMMON = {
    'AccessKeyId': 'testid', 'SignatureMethod': 'HMAC-SHA1', 'SignatureVersion': '1.0',
}


@pytest.mark.parametrize('raw, encoded', [
    ('a b', 'a%20b'), ('*', '%2A'), ('~', '~'), ('/', '%2F'), ('+', '%2B'), ('&=', '%26%3D'),
    ('-_.', '-_.'), ('é', '%C3%A9'), ('2016-02-23T12:46:24Z', '2016-02-23T12%3A46%3A24Z'),
])
def test_percent_encode_follows_rfc3986_on_utf8(raw, encoded):
    assert percent_encode(raw) == encoded


def test_empty_body_hash_is_the_documented_constant():
    assert EMPTY_BODY_SHA256 == 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'


def test_canonical_query_writes_a_key_without_value_as_k_equals():
    assert canonical_query({'b': '1', 'a': None}) == 'a=&b=1'


def test_acs3_official_vector():
    headers = {
        'host': 'ecs.cn-shanghai.aliyuncs.com',
        'x-acs-action': 'RunInstances',
        'x-acs-version': '2014-05-26',
        'x-acs-date': '2023-10-26T10:22:32Z',
        'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
        'x-acs-content-sha256': EMPTY_BODY_SHA256,
    }
    query = {'ImageId': 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd', 'RegionId': 'cn-shanghai'}
    canonical, signed_headers = acs3_canonical_request('POST', query, headers, EMPTY_BODY_SHA256)
    assert signed_headers == 'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version'
    assert hashlib.sha256(canonical.encode()).hexdigest() == '7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259'
    assert acs3_signature('YourAccessKeySecret', canonical) == '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0'


def _get_ca_certificate_acs3_headers(credentials):
    return acs3_headers(
        'GET', 'onsmqtt.cn-hangzhou.aliyuncs.com', {'MqttInstanceId': 'post-cn-7mz2d000000', 'Sn': '00f26900ba87000000'},
        'GetCaCertificate', '2020-04-20', credentials, '2024-01-01T00:00:00Z', 'd5f1c2e3000040008000000000000001')


@pytest.mark.parametrize('credentials, signed_headers, signature', [
    (TEST_KEYS, 'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
     'bc8c88286737e7f9fa436c92bed0409ebde9ff9b89baf67e898269249694f93e'),
    (STS_KEYS, 'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version',
     'c206ad5fe2ad021f26a6cf1550760abfcc4e9b2d0f0313befa46a19ceda7db75'),
])
def test_acs3_get_ca_certificate_vectors(credentials, signed_headers, signature):
    headers = _get_ca_certificate_acs3_headers(credentials)
    assert headers['Authorization'] == 'ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=%s,Signature=%s' % (signed_headers, signature)
    assert headers['x-acs-content-sha256'] == EMPTY_BODY_SHA256


@pytest.mark.parametrize('credentials, canonical_hash', [
    (TEST_KEYS, '12b641738df159c8e7bac6716c0f430a45546093827b668a57730e4bccfe205f'),
    (STS_KEYS, 'ae21222682b4ac17f98cd06546f19fdb3cb4843845cba23ee377bffb084aa122'),
])
def test_acs3_get_ca_certificate_canonical_request_hashes(credentials, canonical_hash):
    headers = _get_ca_certificate_acs3_headers(credentials)
    del headers['Authorization']
    canonical, dummy = acs3_canonical_request('GET', {'MqttInstanceId': 'post-cn-7mz2d000000', 'Sn': '00f26900ba87000000'},
                                              headers, EMPTY_BODY_SHA256)
    assert hashlib.sha256(canonical.encode()).hexdigest() == canonical_hash


@pytest.mark.parametrize('timestamp_name, signature', [
    ('Timestamp', 'OLeaidS1JvxuMvnyHOwuJ+uX5qY='),
    # the older docs' spelling sorts before "Version" but after "SignatureVersion" only if sorting is case-sensitive
    ('TimeStamp', 'CT9X0VtwR86fNWSnsc6v8YGOjuE='),
])
def test_rpc_official_describe_regions_vector(timestamp_name, signature):
    params = dict(RPC_COMMON, Action='DescribeRegions', Format='XML', Version='2014-05-26',
                  SignatureNonce='3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf')
    params[timestamp_name] = '2016-02-23T12:46:24Z'
    string_to_sign = rpc_string_to_sign('GET', params)
    if timestamp_name == 'Timestamp':
        assert string_to_sign == (
            'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1'
            '%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0'
            '%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26')
    assert rpc_signature('testsecret', string_to_sign) == signature


def test_rpc_official_describe_dedicated_hosts_vector():
    params = dict(RPC_COMMON, Action='DescribeDedicatedHosts', Format='JSON', RegionId='cn-beijing', Version='2014-05-26',
                  SignatureNonce='edb2b34af0af9a6d14deaf7c1a5315eb', Timestamp='2023-03-13T08:34:30Z')
    assert rpc_signature('testsecret', rpc_string_to_sign('GET', params)) == '9NaGiOspFP5UPcwX8Iwt2YJXXuk='


@pytest.mark.parametrize('credentials, signature', [
    (TEST_KEYS, 'ZZGocjcPLTN6e65Ilu7mnjfJ/1k='),
    (STS_KEYS, 'C3qh9sdVrnOJ78dc2mxshxj/ss8='),
])
def test_rpc_get_ca_certificate_vectors(credentials, signature):
    params = rpc_params('GET', {'MqttInstanceId': 'post-cn-7mz2d000000', 'Sn': '00f26900ba87000000'},
                        'GetCaCertificate', '2020-04-20', credentials, '2024-01-01T00:00:00Z',
                        'd5f1c2e3-0000-4000-8000-000000000001')
    assert params['Signature'] == signature
    assert params.get('SecurityToken') == credentials.security_token
    assert 'RegionId' not in params
