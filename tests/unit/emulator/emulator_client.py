# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""Calls to a running emulator: signed by the collection's own signer (plugins/module_utils/_signing.py), or made by the
official SDK (alibabacloud_onsmqtt20200420), an independent client."""

import dataclasses
import http.client
import json
import ssl
import time
import uuid

from alibabacloud_onsmqtt20200420.client import Client as OnsMqttClient
from alibabacloud_tea_openapi import models as openapi_models

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._signing import (
    ACS3, HMAC_SHA1, TIMESTAMP_FORMAT, acs3_headers, canonical_query, rpc_params,
)

ONSMQTT_VERSION = '2020-04-20'
STS_VERSION = '2015-04-01'
GET_PARAMS = {'MqttInstanceId': 'post-cn-emulator01', 'Sn': '00e0a1c0ffee000001'}
ALGORITHMS = (HMAC_SHA1, ACS3)


@dataclasses.dataclass(frozen=True)
class Keys:
    """What the signer takes: an access key, with its token when temporary."""

    access_key_id: str
    access_key_secret: str
    security_token: str = None

    @classmethod
    def issued(cls, answer):
        """The keys of an STS or ECS metadata answer."""
        return cls(answer['AccessKeyId'], answer['AccessKeySecret'], answer['SecurityToken'])


PERMANENT = Keys('emulator-access-key-id', 'emulator-access-key-secret')
TEMPORARY = Keys('STS.emulator-temporary-key-id', 'emulator-temporary-key-secret', 'emulator-security-token')
OTHER_ACCOUNT = Keys('emulator-other-account-key-id', 'emulator-other-account-key-secret')
NO_PERMISSION = Keys('emulator-no-permission-key-id', 'emulator-no-permission-key-secret')


@dataclasses.dataclass(frozen=True)
class Answer:
    status: int
    headers: dict  # lower-case names
    body: bytes

    def json(self):
        return json.loads(self.body)

    def text(self):
        return self.body.decode('utf-8')


def http_request(server, method, path, headers=None, body=None):
    """Sends exactly this request to `server` (anything with a host_port; HTTPS when it has a ca_file) and reads the whole answer."""
    ca_file = getattr(server, 'ca_file', None)
    if ca_file:
        connection = http.client.HTTPSConnection(server.host_port, timeout=10, context=ssl.create_default_context(cafile=str(ca_file)))
    else:
        connection = http.client.HTTPConnection(server.host_port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, {name.lower(): value for name, value in response.getheaders()}, response.read())
    finally:
        connection.close()


def utc_timestamp(now=None):
    return time.strftime(TIMESTAMP_FORMAT, time.gmtime(time.time() if now is None else now))


def api_call(server, action, params, keys=PERMANENT, algorithm=HMAC_SHA1, version=ONSMQTT_VERSION, now=None, nonce=None, method='GET'):
    """A call signed like the collection signs, every parameter in the query string (also for POST, as the SDK sends writes),
    at server time `now` (default: the real time)."""
    timestamp, nonce = utc_timestamp(now), nonce or uuid.uuid4().hex
    if algorithm == ACS3:
        headers = acs3_headers(method, server.host_port, params, action, version, keys, timestamp, nonce)
        return http_request(server, method, f'/?{canonical_query(params)}', headers)
    return http_request(server, method, f'/?{canonical_query(rpc_params(method, params, action, version, keys, timestamp, nonce))}')


def anonymous_call(server, action, params, version=STS_VERSION, **common):
    """An unsigned RPC GET, as the official library sends AssumeRoleWithOIDC: `common` adds Timestamp, SignatureNonce..."""
    return http_request(server, 'GET', f'/?{canonical_query({"Action": action, "Version": version, "Format": "JSON", **params, **common})}')


def sdk_client(server, keys, signature_algorithm=None):
    """The official SDK's client for `server` (over HTTP); signature_algorithm None signs ACS3-HMAC-SHA256, 'v2' HMAC-SHA1."""
    config = openapi_models.Config(
        endpoint=server.host_port, protocol='http', access_key_id=keys.access_key_id, access_key_secret=keys.access_key_secret,
        security_token=keys.security_token, signature_algorithm=signature_algorithm,
    )
    return OnsMqttClient(config)
