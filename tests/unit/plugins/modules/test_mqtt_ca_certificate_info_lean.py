# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The module needs no HTTP library, and loads cryptography only to parse a certificate: with it blocked, every run that parses
none still works."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.modules import mqtt_ca_certificate_info

MODULE = mqtt_ca_certificate_info.__file__.replace('.pyc', '.py')
INSTANCE = 'post-cn-emulator01'


def environment_without(tmp_path_factory, *libraries):
    """The environment variables with which importing each of ``libraries`` fails (a package of that name that raises ImportError)."""
    blocked = tmp_path_factory.mktemp('blocked')
    for library in libraries:
        (blocked / library).mkdir()
        (blocked / library / '__init__.py').write_text("raise ImportError('%s is blocked by the test')\n" % library)
    return {'PYTHONPATH': os.pathsep.join([str(blocked)] + sys.path)}


@pytest.fixture(scope='module')
def without_cryptography(tmp_path_factory):
    return environment_without(tmp_path_factory, 'cryptography')


def test_a_lookup_needs_no_http_library(emulator, tmp_path_factory, run_module, module_keys):
    result = run_module(dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url, sn=['00e0a1c0ffee000001']),
                        environment_without(tmp_path_factory, 'requests', 'urllib3', 'httpx', 'aiohttp'))[0]
    assert result['certificates'][0]['x509']['public_key_type'] == 'RSA' and not result.get('failed')


def test_a_failing_argument_check_does_not_need_cryptography(without_cryptography, run_module, module_keys):
    result = run_module(dict(module_keys, instance_id=INSTANCE, region='cn-hangzhou', max_concurrency=0), without_cryptography)[0]
    assert result['msg'] == 'max_concurrency must be at least 1, got 0'


def test_an_api_error_does_not_need_cryptography(emulator, without_cryptography, run_module, module_keys):
    result = run_module(dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url, sn=['no-such-sn']), without_cryptography)[0]
    assert result['failed'] and result['error']['code'] == 'FindCaBySnError'


@pytest.mark.parametrize('args', [
    pytest.param({'instance_id': INSTANCE, 'sn': []}, id='empty sn list'),
    pytest.param({'instance_id': 'post-cn-emulator02'}, id='instance without CAs'),
])
def test_a_run_without_certificates_does_not_need_cryptography(emulator, without_cryptography, args, run_module, module_keys):
    result = run_module(dict(module_keys, endpoint=emulator.url, **args), without_cryptography)[0]
    assert result['certificates'] == [] and not result.get('failed')


@pytest.fixture(scope='module')
def imported_packages(hermetic_environment):
    """Function: imported_packages(args) -> the top-level packages the module imported in a run (python -X importtime), and
    the run's result."""
    env = dict(hermetic_environment, PATH=os.environ['PATH'], PYTHONPATH=os.pathsep.join(sys.path))

    def run(args):
        process = subprocess.run([sys.executable, '-X', 'importtime', MODULE], input=json.dumps({'ANSIBLE_MODULE_ARGS': args}),
                                 capture_output=True, text=True, timeout=60, env=env, check=False)
        names = set(line.split('|')[-1].strip().split('.')[0] for line in process.stderr.splitlines() if line.startswith('import time:'))
        return names, json.loads(process.stdout)
    return run


def test_a_failing_argument_check_imports_neither_an_http_client_nor_cryptography(imported_packages, module_keys):
    names, result = imported_packages(dict(module_keys, instance_id=INSTANCE, region='cn-hangzhou', max_concurrency=0))
    assert result['msg'] == 'max_concurrency must be at least 1, got 0'
    assert not names & {'requests', 'urllib3', 'cryptography', 'http', 'ssl'}


def test_an_api_error_does_not_import_cryptography(emulator, imported_packages, module_keys):
    names, result = imported_packages(dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url, sn=['no-such-sn']))
    assert result['error']['code'] == 'FindCaBySnError'
    assert 'cryptography' not in names


def test_a_lookup_imports_cryptography_to_parse(emulator, imported_packages, module_keys):
    names, result = imported_packages(dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url, sn=['00e0a1c0ffee000001']))
    assert result['certificates'][0]['x509']['public_key_type'] == 'RSA'
    assert 'cryptography' in names and not names & {'requests', 'urllib3'}
