# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ApsaraMQModule as Ansible runs it: a tiny module on it, a separate process with JSON in and out, against the emulator.

The connection options' defaults and environment variables, secrets masked (and short ones refused unmasked), one-line
warnings and failures, request_attempts on every result, and missing_required_lib when cryptography is missing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ansible_collections.alibabacloud.apsaramq.plugins.doc_fragments.instance import ModuleDocFragment as InstanceDocFragment
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._connection import DEFAULTS, ENVIRONMENT
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._module import SHARED_ARGUMENT_SPEC

INSTANCE = 'post-cn-emulator01'
HIDDEN = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
MASKED = 'secret: ********'
IMPORT_ERROR = 'Traceback (most recent call last):\nImportError: cryptography is blocked by the test\n'

# ``do`` says what the module does: report its settings, warn ``text``, call the API, show a secret, or miss cryptography.
TINY_MODULE = '''
import os

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._certificate import CryptographyMissing
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._connection import DEFAULTS, ENVIRONMENT
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._module import ApsaraMQModule


def main():
    module = ApsaraMQModule(argument_spec=dict(do=dict(type='str', required=True), text=dict(type='str')), supports_check_mode=True)
    do, text = module.params['do'], module.params['text']
    with module.failing_cleanly():
        if do == 'settings':
            module.exit_json(changed=False, settings=dict((name, module.params[name]) for name in list(DEFAULTS) + list(ENVIRONMENT)))
        if do == 'warn':
            module.warn(text)
        if do == 'list':
            module.onsmqtt_client().call('ListCaCertificate', {'MqttInstanceId': %(instance)r, 'PageNo': '1', 'PageSize': '1'})
        if do == 'get':
            module.onsmqtt_client().call('GetCaCertificate', {'MqttInstanceId': %(instance)r, 'Sn': text})
        if do == 'show the option secret':
            module.exit_json(changed=False, shown='secret: %%s' %% module.params['access_key_secret'])
        if do in ('show the environment secret', 'make a client, then show the environment secret'):
            if do.startswith('make a client'):
                module.onsmqtt_client()
            module.exit_json(changed=False, shown='secret: %%s' %% os.environ['ALIBABA_CLOUD_ACCESS_KEY_SECRET'])
        if do == 'miss cryptography':
            raise CryptographyMissing(%(import_error)r)
    module.exit_json(changed=False)


if __name__ == '__main__':
    main()
''' % {'instance': INSTANCE, 'import_error': IMPORT_ERROR}


@pytest.fixture(scope='module')
def tiny_module(tmp_path_factory):
    path = tmp_path_factory.mktemp('tiny-module') / 'apsaramq_tiny.py'
    path.write_text(TINY_MODULE)
    return path


@pytest.fixture
def run_tiny(run_module_file, tiny_module):
    """Function: run_tiny(args, environ=None) -> (result, process) of the tiny module."""
    def run(args, environ=None):
        return run_module_file(tiny_module, args, environ)
    return run


@pytest.fixture
def tiny_failure(module_file_failure, tiny_module):
    """Function: tiny_failure(args, environ=None) -> the result of a run of the tiny module that fails in one line."""
    def fail(args, environ=None):
        return module_file_failure(tiny_module, args, environ)
    return fail


def settings(run_tiny, args=None, environ=None):
    result, process = run_tiny(dict(args or {}, do='settings'), environ)
    assert process.returncode == 0, result
    return result['settings']


# --- the connection options --------------------------------------------------------------------------

def test_the_connection_options_default_to_the_connections_defaults(run_tiny):
    assert dict((name, value) for name, value in settings(run_tiny).items() if name in DEFAULTS) == DEFAULTS


@pytest.mark.parametrize('variable', ENVIRONMENT['region'])
def test_the_region_falls_back_to_its_environment_variables(run_tiny, variable):
    assert settings(run_tiny, environ={variable: 'cn-shanghai'})['region'] == 'cn-shanghai'
    assert settings(run_tiny, {'region': 'cn-beijing'}, {variable: 'cn-shanghai'})['region'] == 'cn-beijing'


def test_the_role_duration_falls_back_to_its_environment_variable_before_its_default(run_tiny):
    assert settings(run_tiny, environ={ENVIRONMENT['assume_role_duration'][0]: '900'})['assume_role_duration'] == 900


def test_validate_certs_false_draws_a_warning(run_tiny, warning_texts):
    result = run_tiny({'do': 'settings', 'validate_certs': False})[0]
    assert warning_texts(result) == ["validate_certs is false: the endpoint's TLS certificate is not verified, so its identity is not either"]


# --- secrets -----------------------------------------------------------------------------------------

@pytest.mark.parametrize('option', ['access_key_secret', 'security_token'])
def test_a_secret_too_short_to_mask_is_refused_unmasked_and_hidden(tiny_failure, option):
    args = {'do': 'settings', 'access_key_id': 'id', 'access_key_secret': 'a-long-enough-access-key-secret',
            'security_token': 'a-long-enough-security-token', '_ansible_inject_invocation': True}
    args[option] = 'A'
    result = tiny_failure(args)
    # Masked, the 'A' would have become ******** in 'Alibaba Cloud' too.
    assert result['msg'] == ('%s is 1 character long, too short to be a real one (at least 16; Alibaba Cloud access key secrets have 30): '
                             'a secret that short would be masked inside certificates and messages too' % option)
    assert result['invocation']['module_args']['access_key_secret'] == HIDDEN
    assert result['invocation']['module_args']['security_token'] == HIDDEN
    assert result['request_attempts'] == 0


def test_a_secret_option_is_masked_in_any_output(run_tiny):
    result = run_tiny({'do': 'show the option secret', 'access_key_id': 'id', 'access_key_secret': 'a-long-enough-access-key-secret'})[0]
    assert result['shown'] == MASKED


def test_the_secrets_the_credential_chain_finds_are_masked_once_a_client_is_made(run_tiny, emulator, emulator_keys):
    environ = {'ALIBABA_CLOUD_ACCESS_KEY_ID': emulator_keys.access_key_id, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': emulator_keys.access_key_secret}
    shown = run_tiny({'do': 'show the environment secret', 'endpoint': emulator.url}, environ)[0]['shown']
    assert shown == 'secret: ' + emulator_keys.access_key_secret  # no option holds it: Ansible does not know it is a secret
    assert run_tiny({'do': 'make a client, then show the environment secret', 'endpoint': emulator.url}, environ)[0]['shown'] == MASKED


def _private_key_pem(encryption=serialization.NoEncryption(), private_format=serialization.PrivateFormat.PKCS8):
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(serialization.Encoding.PEM, private_format, encryption).decode('ascii')


@pytest.mark.parametrize('pasted', [
    _private_key_pem,
    lambda: _private_key_pem(serialization.BestAvailableEncryption(b'a passphrase')),
    lambda: _private_key_pem(private_format=serialization.PrivateFormat.TraditionalOpenSSL),
    lambda: 'my key, from the vault:\n' + _private_key_pem()[:150],  # cut short: no END line
], ids=['pkcs8', 'encrypted', 'traditional ec', 'cut short in other text'])
@pytest.mark.parametrize('args', [{'do': 'warn'}, {'do': 'warn', 'timeout': 0}, {'do': 'warn', 'not_an_option': 1}],
                         ids=['success', 'our refusal', "ansible's refusal"])
def test_a_private_key_pasted_into_any_option_appears_in_no_output_at_vvvv(run_tiny, pasted, args):
    text = pasted()
    result, dummy = run_tiny(dict(args, text=text, _ansible_inject_invocation=True, _ansible_verbosity=4))
    shown = json.dumps(result)
    assert 'PRIVATE KEY' not in shown and text.splitlines()[-2] not in shown
    assert result['invocation']['module_args']['text'].strip().endswith('********')


# --- warnings, failures, attempts --------------------------------------------------------------------

def test_a_warning_is_one_line_with_control_characters_escaped(run_tiny, warning_texts):
    result = run_tiny({'do': 'warn', 'text': 'line one\nline two\t\x1b[2J'})[0]
    assert warning_texts(result) == ['line one line two \\x1b[2J']


def test_a_success_reports_its_attempts_and_a_warning_per_retry(start_emulator, run_tiny, module_keys, warning_texts):
    server = start_emulator()
    server.inject(kind='throttling', count=2, retry_after_ms=10)
    result, process = run_tiny(dict(module_keys, do='list', endpoint=server.url))
    assert process.returncode == 0 and result['request_attempts'] == server.requests_log()['count'] == 3
    assert [text.split(' after: ')[0] for text in warning_texts(result)] == [
        'ListCaCertificate: retry 1 of at most 5 in 0.0 s', 'ListCaCertificate: retry 2 of at most 5 in 0.0 s']


def test_an_api_error_fails_in_one_line_with_its_fields_and_attempts(emulator, tiny_failure, module_keys):
    result = tiny_failure(dict(module_keys, do='get', text='no-such-sn', endpoint=emulator.url))
    assert result['msg'].startswith('GetCaCertificate failed: FindCaBySnError: ')
    assert set(result['error']) == {'code', 'message', 'request_id', 'http_status'}
    assert (result['error']['code'], result['error']['http_status']) == ('FindCaBySnError', 400)
    assert result['request_attempts'] == 1


def test_the_collections_error_fails_in_one_line_without_api_fields(tiny_failure, module_keys):
    result = tiny_failure(dict(module_keys, do='list'))
    assert result['msg'].startswith('Set region (or the environment variable ALIBABA_CLOUD_REGION_ID')
    assert 'error' not in result and result['request_attempts'] == 0


@pytest.mark.parametrize('args', [{'do': 'settings'}, {'do': 'settings', 'timeout': 0}], ids=['success', 'failure'])
def test_a_run_without_requests_reports_none(run_tiny, args):
    assert run_tiny(args)[0]['request_attempts'] == 0


def test_cryptography_missing_is_missing_required_lib_with_the_import_error(run_tiny):
    # The traceback goes into a result only when asked for, as ansible-core 2.19 and later do with ANSIBLE_DISPLAY_TRACEBACK=error.
    result, process = run_tiny({'do': 'miss cryptography', '_ansible_tracebacks_for': ['error']})
    assert process.returncode == 1
    assert result['msg'].startswith('Failed to import the required Python library (cryptography) on ')
    assert result['exception'] == IMPORT_ERROR


@pytest.mark.parametrize('section', ['DOCUMENTATION', 'MAX_CONCURRENCY', 'MAX_CONCURRENCY_AND_PAGES'])
def test_the_shared_spec_is_the_instance_doc_fragments_options_with_their_types_defaults_and_aliases(section):
    for name, option in yaml.safe_load(getattr(InstanceDocFragment, section))['options'].items():
        spec = SHARED_ARGUMENT_SPEC[name]
        assert (option.get('type', 'str'), option.get('default'), option.get('required', False), sorted(option.get('aliases', []))) == \
            (spec['type'], spec.get('default'), spec.get('required', False), sorted(spec.get('aliases', []))), name


def test_every_shared_option_is_documented_in_the_instance_doc_fragment():
    documented = set()
    for section in ('DOCUMENTATION', 'MAX_CONCURRENCY', 'MAX_CONCURRENCY_AND_PAGES'):
        documented.update(yaml.safe_load(getattr(InstanceDocFragment, section))['options'])
    assert documented == set(SHARED_ARGUMENT_SPEC)
