# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures of every module test: a module run as Ansible runs it (a separate process, JSON arguments in, JSON out),
the one-line failure check, and the emulator's access key as module options."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import json
import os
import subprocess
import sys

import pytest

MODULES_PACKAGE = 'ansible_collections.alibabacloud.apsaramq.plugins.modules'
DEFAULT_MODULE = 'mqtt_ca_certificate_info'
RUN_TIMEOUT_SECONDS = 60


def module_path(module):
    """The source file of a module of the collection, found without importing it."""
    spec = importlib.util.find_spec('%s.%s' % (MODULES_PACKAGE, module))
    if spec is None or not spec.origin:
        raise LookupError('the collection has no module %s' % module)
    return spec.origin


@pytest.fixture(scope='session')
def hermetic_environment(tmp_path_factory):
    """What every module run gets: an empty home (no ~/.aliyun/config.json) and, unless a test says otherwise, no question
    to the ECS metadata service, which off ECS would cost a timeout."""
    return {'HOME': str(tmp_path_factory.mktemp('home')), 'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true'}


@pytest.fixture(scope='session')
def run_module(hermetic_environment):
    """Factory: run_module(args, environ=None, module='mqtt_ca_certificate_info') -> (result, process).

    The module runs in this Python with the hermetic environment, ``environ`` on top; its output is checked to be one
    JSON document and nothing else.
    """
    def run(args, environ=None, module=DEFAULT_MODULE):
        env = dict(hermetic_environment, PATH=os.environ['PATH'], PYTHONPATH=os.pathsep.join(sys.path))
        env.update(environ or {})
        process = subprocess.run([sys.executable, module_path(module)], input=json.dumps({'ANSIBLE_MODULE_ARGS': args}),
                                 capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS, env=env, check=False)
        assert process.stderr == '', process.stderr
        result = json.loads(process.stdout)
        assert 'module_stderr' not in result
        return result, process
    return run


@pytest.fixture(scope='session')
def module_failure(run_module):
    """Factory: module_failure(args, environ=None, module='mqtt_ca_certificate_info') -> the result of a run that fails
    in one line: exit code 1, a message without line breaks, no traceback."""
    def fail(args, environ=None, module=DEFAULT_MODULE):
        result, process = run_module(args, environ, module)
        assert result['failed'] is True and process.returncode == 1
        assert '\n' not in result['msg'] and 'exception' not in result
        return result
    return fail


@pytest.fixture(scope='session')
def module_keys(emulator_keys):
    """The emulator's default access key (tests/unit/conftest.py's emulator_keys) as the module options that carry it."""
    return {'access_key_id': emulator_keys.access_key_id, 'access_key_secret': emulator_keys.access_key_secret}


@pytest.fixture(scope='session')
def warning_texts():
    """Function: warning_texts(result) -> the result's warnings as texts (ansible-core 2.19 and later return summaries
    with the message inside)."""
    def texts(result):
        return [warning['event']['msg'] if isinstance(warning, dict) else warning for warning in result.get('warnings', [])]
    return texts
