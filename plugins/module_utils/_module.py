# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The modules' adapter on the connection path (_connection.py): Ansible's argument spec, warnings, no_log masking and
one-line failures. A PEM private key block pasted into any option is masked like a no_log option, whatever the option.

The options are documented in the doc fragment alibabacloud.apsaramq.connection; those the modules share besides them
(SHARED_ARGUMENT_SPEC) in alibabacloud.apsaramq.instance.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
from contextlib import contextmanager

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.parameters import remove_values

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._certificate import CryptographyMissing
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC, SECRET_OPTIONS, Connection, check_options
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApiError, ApsaraMQError, one_line
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._secrets import check_secret

# The options every module shares, documented in the doc fragment alibabacloud.apsaramq.instance: instance_id, and
# max_concurrency for a module that sends several requests at once.
SHARED_ARGUMENT_SPEC = dict(
    instance_id=dict(type='str', required=True, aliases=['mqtt_instance_id']),
    max_concurrency=dict(type='int', default=16),
)
# What Ansible shows instead of a no_log option's value.
HIDDEN = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
# Any PEM private key (PKCS#8, encrypted or not, RSA, EC, OpenSSH...), to its end line or, cut short, to the end of the text.
_PRIVATE_KEY_BLOCK = re.compile(r'-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)', re.DOTALL)


class ApsaraMQModule(AnsibleModule):
    """An AnsibleModule with the connection options, their Connection, and one-line failures.

    Every result, success or failure, reports ``request_attempts`` (HTTP requests sent, retries included) and warns once per retry.
    Not ``attempts``: Ansible writes its own into the results of tasks with ``until``.
    """

    def __init__(self, argument_spec, **kwargs):
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(argument_spec)
        self._connection = None  # before the base class, which may already fail
        super(ApsaraMQModule, self).__init__(argument_spec=spec, **kwargs)
        try:
            check_options(self.params)
        except ApsaraMQError as exc:
            self._unmask_short_secrets()
            self.fail_json(msg=str(exc))
        if not self.params['validate_certs']:
            self.warn("validate_certs is false: the endpoint's TLS certificate is not verified, so its identity is not either")

    def _load_params(self):
        """The parameters, as Ansible loads them before checking any: every private key block in them is masked from here on,
        so that no output shows one (``invocation`` at -vvvv, a refusal quoting an option), even a failure of the checks."""
        super(ApsaraMQModule, self)._load_params()
        self.no_log_values.update(_private_key_blocks(self.params))

    def _unmask_short_secrets(self):
        """A secret too short to mask is not masked (that would mangle the very message refusing it), nor shown."""
        for name in SECRET_OPTIONS:
            try:
                check_secret(self.params[name], name)
            except ApsaraMQError:
                self.no_log_values.discard(self.params[name])
                self.params[name] = HIDDEN

    def take_secret(self, name):
        """The value of a no_log option that the run's own code uses and no output ever carries (a private key, its
        passphrase): taken out of the parameters and of the masking, so that a short one cannot mangle the result."""
        value = self.params[name]
        if value is not None:
            self.no_log_values.discard(value)
            self.params[name] = HIDDEN
        return value

    def warn(self, warning):
        # Masked here: ansible-core 2.19 and later no longer mask the warnings of a result.
        super(ApsaraMQModule, self).warn(remove_values(one_line(warning), self.no_log_values))

    def exit_json(self, **kwargs):
        self._report_requests(kwargs)
        super(ApsaraMQModule, self).exit_json(**kwargs)

    def fail_json(self, msg, **kwargs):
        self._report_requests(kwargs)
        super(ApsaraMQModule, self).fail_json(msg=msg, **kwargs)

    def _report_requests(self, result):
        connection = self._connection
        for warning in connection.retry_warnings if connection else ():
            self.warn(warning)
        result['request_attempts'] = connection.attempts if connection else 0

    @contextmanager
    def failing_cleanly(self, outcome=None):
        """Turn the collection's exceptions into a one-line failure, with the API's error fields when there are any.

        ``outcome()``: the keys the failure still reports, such as ``changed`` once the service may have acted.
        """
        try:
            yield
        except ApiError as exc:
            self.fail_json(msg=str(exc), error=exc.as_dict(), **(outcome() if outcome else {}))
        except ApsaraMQError as exc:
            self.fail_json(msg=str(exc), **(outcome() if outcome else {}))
        except CryptographyMissing as exc:
            # Only a run with a certificate to parse needs cryptography, so only such a run fails without it.
            self.fail_json(msg=missing_required_lib('cryptography'), exception=exc.import_error, **(outcome() if outcome else {}))

    def onsmqtt_client(self, max_connections=10):
        """A client of the control API; the run's credentials are resolved once, and every secret they hold is masked."""
        if self._connection is None:
            self._connection = Connection(self.params, os.environ, self.warn)
        try:
            return self._connection.onsmqtt_client(max_connections)
        finally:
            # Keys found anywhere (a file, the metadata service, STS) are masked as no_log options are.
            self.no_log_values.update(self._connection.secrets)


def _private_key_blocks(value):
    """Every PEM private key block in the strings of ``value`` (options nest in lists and dicts), also as a one-line
    message shows it: whitespace collapsed, or line breaks escaped as ``%r`` quotes them."""
    if isinstance(value, str):
        blocks = _PRIVATE_KEY_BLOCK.findall(value)
        return set(blocks) | set(one_line(block) for block in blocks) | set(repr(block)[1:-1] for block in blocks)
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return set().union(*(_private_key_blocks(item) for item in value))
    return set()
