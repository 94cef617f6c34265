# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""Error codes the emulator answers with, their HTTP status and the service's wording."""

# code: (HTTP status, message as the real service words it)
ERROR_CATALOGUE = {
    'SignatureDoesNotMatch': (400, 'Specified signature does not match our calculation.'),
    'IncompleteSignature': (400, 'The request signature does not conform to Aliyun standards.'),
    'InvalidAccessKeyId.NotFound': (404, 'Specified access key is not found.'),
    'InvalidTimeStamp.Expired': (400, 'Specified time stamp or date value is expired.'),
    'InvalidTimeStamp.Format': (400, 'Specified time stamp or date value is not well formatted.'),
    'SignatureNonceUsed': (400, 'Specified signature nonce was used already.'),
    'MissingSecurityToken': (400, 'SecurityToken is mandatory for this action.'),
    'InvalidSecurityToken.Malformed': (400, 'Specified SecurityToken is malformed.'),
    'InvalidSecurityToken.MismatchWithAccessKey': (400, 'Specified SecurityToken mismatch with the AccessKey.'),
    'InvalidSecurityToken.Expired': (400, 'Specified SecurityToken is expired.'),
    'MissingParameter': (400, 'A required parameter is missing.'),
    'ParameterFieldCheckFailed': (400, 'Failed to validate the parameters. The parameters may be missing or invalid.'),
    'InvalidAction.NotFound': (404, 'Specified api is not found, please check your url and method.'),
    'InvalidVersion': (400, 'Specified parameter Version is not valid.'),
    'MqttInstanceNotFound': (404, 'Specified instance is not found'),
    'MqttOwnerCheckError': (403, 'The instance does not belong to the account of the AccessKey.'),
    'PermissionCheckFailed': (403, 'You are not authorized to do this action. Please check the RAM policy.'),
    'FindCaBySnError': (400, 'Failed to find the CA by the SN. Please check sn is valid.'),
    'FindDeviceBySnError': (400, 'Failed to find the device certificate by the SN. Please check sn is valid'),
    'RegisterCodeError': (500, 'Register code error in verification certificate.'),
    # The emulator's own choice: the documentation's table of RegisterCaCertificate's errors stops before this case.
    'CaCertificateAlreadyExists': (400, 'The CA certificate is already registered on the instance.'),
    'RequestTooLarge': (413, 'The request body is too large.'),
    # STS (2015-04-01), worded as its API reference and error centre word them.
    'InvalidParameter.RoleArn': (400, 'The parameter RoleArn is wrongly formed.'),
    'InvalidParameter.RoleSessionName': (400, 'The parameter RoleSessionName is wrongly formed.'),
    'InvalidParameter.DurationSeconds': (400, 'The DurationSeconds is invalid.'),
    'InvalidParameter.ExternalId': (400, 'The parameter ExternalId is wrongly formed.'),
    'InvalidParameter.PolicyGrammar': (400, 'The parameter Policy has not passed grammar check.'),
    'NoPermission': (403, 'No permission perform sts:AssumeRole on this Role. '
                          'Maybe you are not authorized to perform sts:AssumeRole or the specified role does not trust you.'),
    'EntityNotExist.Role': (404, 'The specified Role not exists.'),
    'AuthenticationFail.NoPermission': (401, 'No such OIDC Provider registered.'),
    'AuthenticationFail.OIDCToken.Invalid': (401, 'The Jwt content is invalid that cannot be recognized.'),
    # The CRL control path (_crl.py): a CA whose private key the emulator does not hold.
    'CaKeyNotHeld': (409, 'The emulator holds no private key of this CA: it signs CRLs for the default fixture CAs only.'),
    'MethodNotAllowed': (405, 'The HTTP method is not allowed on this path.'),
    'InternalError': (500, 'The request processing has failed due to some unknown error.'),
    # Only fault injection (_faults.py) answers with these.
    'Throttling.User': (400, 'Request was denied due to user flow control.'),
    'SystemOverFlow': (403, 'The system is overloaded; please try again later.'),
    'ServiceUnavailable': (503, 'The request has failed due to a temporary failure of the server.'),
}


class ApiError(Exception):
    """An error answer: raised anywhere while handling a request, turned into the JSON error body."""

    def __init__(self, code, detail=None):
        status, message = ERROR_CATALOGUE[code]
        super().__init__(code)
        self.code = code
        self.http_status = status
        self.message = f'{message} {detail}' if detail else message


def error_body(error, request_id, host_id, product):
    """The documented error shape, with a troubleshooting link like the real gateway's."""
    return {
        'RequestId': request_id,
        'HostId': host_id,
        'Code': error.code,
        'Message': error.message,
        'Recommend': f'https://api.aliyun.com/troubleshoot?q={error.code}&product={product}&requestId={request_id}',
    }
