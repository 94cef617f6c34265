# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures of every module test: a module of the collection run as Ansible runs it (a separate process, JSON arguments in,
JSON out), and the one-line failure check. The emulator's keys as module options (module_keys), the hermetic environment and
warning_texts are tests/unit/conftest.py's."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import subprocess

import pytest

MODULES_PACKAGE = 'ansible_collections.alibabacloud.apsaramq.plugins.modules'
DEFAULT_MODULE = 'mqtt_ca_certificate_info'
FLEET_GENERATION_TIMEOUT_SECONDS = 120


def module_path(module):
    """The source file of a module of the collection, found without importing it."""
    spec = importlib.util.find_spec('%s.%s' % (MODULES_PACKAGE, module))
    if spec is None or not spec.origin:
        raise LookupError('the collection has no module %s' % module)
    return spec.origin


@pytest.fixture(scope='session')
def run_module(run_module_file):
    """Factory: run_module(args, environ=None, module='mqtt_ca_certificate_info') -> (result, process): a module of the collection
    run as Ansible runs it (tests/unit/conftest.py's run_module_file: the hermetic environment, ``environ`` on top)."""
    def run(args, environ=None, module=DEFAULT_MODULE):
        return run_module_file(module_path(module), args, environ)
    return run


@pytest.fixture(scope='session')
def module_failure(module_file_failure):
    """Factory: module_failure(args, environ=None, module='mqtt_ca_certificate_info') -> the result of a run that fails
    in one line: exit code 1, a message without line breaks, no traceback."""
    def fail(args, environ=None, module=DEFAULT_MODULE):
        return module_file_failure(module_path(module), args, environ)
    return fail


@pytest.fixture(scope='session')
def fleet_fixtures_path(tmp_path_factory, emulator_command):
    """Factory: fleet_fixtures_path(count) -> a fixture file: the default fixtures plus ``count`` device certificates on
    post-cn-emulator01 (the emulator's --device-certificates), generated once per count and session. The emulator takes
    --device-certificates only for fixtures it generates, so start_emulator(fixtures=...) serves this file instead."""
    paths = {}

    def path(count):
        if count not in paths:
            paths[count] = tmp_path_factory.mktemp('fleet') / 'fixtures.json'
            subprocess.run([*emulator_command, '--write-fixtures', str(paths[count]), '--device-certificates', str(count)], check=True,
                           timeout=FLEET_GENERATION_TIMEOUT_SECONDS)
        return paths[count]
    return path
