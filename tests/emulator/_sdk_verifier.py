# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""`--signature-verifier sdk`: a second opinion on every signature from the official Alibaba Cloud SDK.

alibabacloud_tea_openapi (0.4.x, pulled in by alibabacloud_onsmqtt20200420) signs every request of its
client with `alibabacloud_tea_openapi.utils.Utils.get_authorization` (ACS3-HMAC-SHA256) and
`Utils.get_rpcsignature` (HMAC-SHA1). Feeding them what the emulator received proves a signature
right by the SDK's own code, not only by the emulator's reading of the specification.
"""

import hmac
import types

from _errors import ApiError
from _signatures import V3SigningInput

SDK_PACKAGE = 'alibabacloud_onsmqtt20200420'


class SdkUnavailable(Exception):
    pass


class SdkSignatureCheck:
    """Callable as `cross_check(call, signing, credential)`; raises SignatureDoesNotMatch on disagreement."""

    def __init__(self):
        try:
            # Imported only in this mode: the SDK is optional and slow to import.
            from alibabacloud_tea_openapi.utils import Utils  # pylint: disable=import-outside-toplevel
        except ImportError as exc:
            raise SdkUnavailable(f'--signature-verifier sdk needs the official SDK: pip install {SDK_PACKAGE} ({exc})') from exc
        self._sdk = Utils

    def __call__(self, call, signing, credential):
        sdk_signature = self.signature(call.access_key_id, signing, credential.secret)
        if not hmac.compare_digest(sdk_signature.encode('utf-8'), call.signature.encode('utf-8')):
            raise ApiError('SignatureDoesNotMatch', 'The emulator accepts this signature but the official SDK (alibabacloud_tea_openapi) computes another one.')

    def signature(self, access_key_id, signing, secret):
        if isinstance(signing, V3SigningInput):
            request = types.SimpleNamespace(method=signing.method, pathname=signing.path, query=dict(signing.query), headers=dict(signing.headers))
            authorization = self._sdk.get_authorization(request, signing.algorithm, signing.payload_sha256, access_key_id, secret)
            return authorization.rpartition('Signature=')[2]
        return self._sdk.get_rpcsignature(dict(signing.params), signing.method, secret)
