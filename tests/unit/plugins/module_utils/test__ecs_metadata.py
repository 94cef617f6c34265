# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The keys of the ECS instance RAM role, from the emulator playing the metadata service (tests/emulator/README.md): session
tokens and the fallback without one, the attached role or a named one, and what an absent, silent or odd service gives."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import socket
import time
import urllib.request

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ecs_metadata import (
    DEFAULT_ENDPOINT, EcsMetadata, NoInstanceRole, metadata_endpoint,
)
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError

ECS_ROLE = 'emulator-ecs-role'
KEY_FIELDS = ('AccessKeyId', 'AccessKeySecret', 'SecurityToken')
# How much later than its timeout a request may end on a busy machine: the bound of a hang, not a speed target.
SLACK_SECONDS = 1.0


def requests(server):
    """``(action, sent a session token)`` of each request the emulator got."""
    return [(entry['action'], entry['metadata_token']) for entry in server.requests_log()['requests']]


def closed_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


# --- where the service is ----------------------------------------------------------------------------

@pytest.mark.parametrize('environ, endpoint', [
    ({}, DEFAULT_ENDPOINT),
    ({'ALIBABA_CLOUD_ECS_METADATA_ENDPOINT': ''}, DEFAULT_ENDPOINT),
    ({'ALIBABA_CLOUD_ECS_METADATA_ENDPOINT': '127.0.0.1:8080'}, 'http://127.0.0.1:8080'),
    ({'ALIBABA_CLOUD_ECS_METADATA_ENDPOINT': ' https://metadata.example/ '}, 'https://metadata.example'),
])
def test_the_endpoint_comes_from_the_environment_with_http_by_default(environ, endpoint):
    assert metadata_endpoint(environ) == endpoint


@pytest.mark.parametrize('endpoint', ['http://127.0.0.1:8080/latest', 'ftp://127.0.0.1', '127.0.0.1:port'])
def test_a_metadata_endpoint_variable_that_is_no_endpoint_fails_in_one_line(endpoint):
    with pytest.raises(ApsaraMQError, match=r'^ALIBABA_CLOUD_ECS_METADATA_ENDPOINT=\S+ is not a host, host:port or http\(s\)://host\[:port\] URL$'):
        metadata_endpoint({'ALIBABA_CLOUD_ECS_METADATA_ENDPOINT': endpoint})


# --- the role's keys ---------------------------------------------------------------------------------

@pytest.mark.parametrize('mode, token_sent', [('optional', True), ('required', True), ('unsupported', False)])
def test_the_attached_role_and_its_keys_with_a_session_token_when_the_service_gives_one(clean_emulator, mode, token_sent):
    clean_emulator.metadata(mode=mode)
    role_name, answer = EcsMetadata(clean_emulator.url).role_credentials()
    assert role_name == ECS_ROLE
    assert answer['AccessKeyId'].startswith('STS.') and all(answer[field] for field in KEY_FIELDS)
    assert requests(clean_emulator) == [('ECSMetadata.Token', False), ('ECSMetadata.RoleList', token_sent), ('ECSMetadata.Credentials', token_sent)]


def test_the_keys_are_those_the_service_hands_out(clean_emulator):
    # The emulator's answer, read without the collection's code.
    with urllib.request.urlopen('%s/latest/meta-data/ram/security-credentials/%s' % (clean_emulator.url, ECS_ROLE), timeout=5) as served:
        expected = json.load(served)
    answer = EcsMetadata(clean_emulator.url).role_credentials()[1]
    assert [answer[field] for field in KEY_FIELDS] == [expected[field] for field in KEY_FIELDS]


def test_a_named_role_skips_the_role_list(clean_emulator):
    assert EcsMetadata(clean_emulator.url).role_credentials(ECS_ROLE)[0] == ECS_ROLE
    assert [action for action, dummy in requests(clean_emulator)] == ['ECSMetadata.Token', 'ECSMetadata.Credentials']


def test_a_named_role_that_is_not_attached_is_one_line(clean_emulator):
    with pytest.raises(ApsaraMQError) as failure:
        EcsMetadata(clean_emulator.url).role_credentials('other-role')
    assert not isinstance(failure.value, NoInstanceRole)
    assert str(failure.value) == ("The ECS metadata service at %s knows no RAM role 'other-role'; check ecs_role_name against the role "
                                  "attached to the instance" % clean_emulator.url)


def test_without_imdsv1_a_service_without_tokens_is_an_error(clean_emulator):
    clean_emulator.metadata(mode='unsupported')
    with pytest.raises(ApsaraMQError) as failure:
        EcsMetadata(clean_emulator.url, tokenless_allowed=False).role_credentials()
    assert str(failure.value) == ('The ECS metadata service at %s gave no session token (HTTP 404) and ALIBABA_CLOUD_IMDSV1_DISABLED '
                                  'forbids the request without one' % clean_emulator.url)
    assert requests(clean_emulator) == [('ECSMetadata.Token', False)]


# --- no role to take keys from -----------------------------------------------------------------------

@pytest.mark.parametrize('settings', [{'role': None}, {'mode': 'off'}], ids=['no role attached', 'no metadata service'])
def test_without_an_attached_role_there_is_no_instance_role(clean_emulator, settings):
    clean_emulator.metadata(**settings)
    with pytest.raises(NoInstanceRole) as failure:
        EcsMetadata(clean_emulator.url).role_credentials()
    assert failure.value.reason == 'no RAM role is attached to this ECS instance (metadata service %s)' % clean_emulator.url
    assert str(failure.value) == ('No RAM role is attached to this ECS instance (metadata service %s); attach one, or use another '
                                  'credential source' % clean_emulator.url)


def test_a_service_that_refuses_connections_is_no_instance_role():
    endpoint = 'http://127.0.0.1:%d' % closed_port()
    with pytest.raises(NoInstanceRole) as failure:
        EcsMetadata(endpoint).role_credentials()
    assert failure.value.reason.startswith('the ECS metadata service at %s could not be reached within 1.0 s (' % endpoint)
    assert str(failure.value).endswith('; outside ECS, use another credential source')


def test_a_service_that_never_answers_is_given_up_after_the_timeout():
    with socket.socket() as silent:
        silent.bind(('127.0.0.1', 0))
        silent.listen(8)  # connections are accepted by the kernel, and never answered
        endpoint = 'http://127.0.0.1:%d' % silent.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(NoInstanceRole) as failure:
            EcsMetadata(endpoint, timeout=0.5).role_credentials(ECS_ROLE)
        assert time.monotonic() - started < 0.5 + SLACK_SECONDS
    assert str(failure.value) == ('The ECS metadata service at %s could not be reached within 0.5 s (timed out); outside ECS, use another '
                                  'credential source' % endpoint)


def test_no_proxy_sees_the_request(clean_emulator, monkeypatch):
    for name in ('HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HTTP_PROXY', 'http://127.0.0.1:%d' % closed_port())  # refuses: a request through it fails
    assert EcsMetadata(clean_emulator.url).role_credentials()[0] == ECS_ROLE


# --- answers that are not the service's --------------------------------------------------------------

@pytest.mark.parametrize('body', [
    b'not json', b'["AccessKeyId"]', b'{"AccessKeyId": "STS.x", "AccessKeySecret": "s"}',
    b'{"AccessKeyId": "STS.x", "AccessKeySecret": "s", "SecurityToken": ""}',
    b'{"AccessKeyId": "STS.x", "AccessKeySecret": "s", "SecurityToken": 7}',
    b'{"Code": "Failed", "AccessKeyId": "STS.x", "AccessKeySecret": "s", "SecurityToken": "t"}',
])
def test_keys_without_their_fields_are_refused_in_one_line(canned_server, body):
    endpoint = canned_server(200, 'application/json', body)
    with pytest.raises(ApsaraMQError) as failure:
        EcsMetadata(endpoint).role_credentials(ECS_ROLE)
    assert str(failure.value) == ("The ECS metadata service at %s answered for RAM role 'emulator-ecs-role' without the fields AccessKeyId, "
                                  "AccessKeySecret, SecurityToken" % endpoint)


@pytest.mark.parametrize('role_name, asked_for', [(ECS_ROLE, "the credentials of RAM role 'emulator-ecs-role'"), (None, 'the name of the RAM role')])
def test_another_http_status_is_one_line_saying_what_was_asked(canned_server, role_name, asked_for):
    endpoint = canned_server(500, 'text/plain', b'Internal Server Error')
    with pytest.raises(ApsaraMQError) as failure:
        EcsMetadata(endpoint).role_credentials(role_name)
    assert str(failure.value) == 'The ECS metadata service at %s answered HTTP 500 when asked for %s' % (endpoint, asked_for)
