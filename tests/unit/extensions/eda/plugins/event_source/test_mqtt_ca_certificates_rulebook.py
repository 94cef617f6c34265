# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The event source end to end: the real ansible-rulebook runs rulebook/expiring-ca.yml, whose source
alibabacloud.apsaramq.mqtt_ca_certificates watches the emulator's instance; its ca_expiring event at 30 days runs
rulebook/record-expiring-ca.yml, which looks the CA up with mqtt_ca_certificate_info and writes what it found; then the
rulebook shuts down.

ansible-rulebook finds the collection as on a user's machine: through ANSIBLE_COLLECTIONS_PATH and ansible-galaxy, without
PYTHONPATH, and runs the source as a file (runpy.run_path). It needs a Java 17+ runtime (tests/tooling/ensure-java.sh
installs one for make units); without it this test fails, saying so, rather than being skipped.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys

import pytest
import yaml
from cryptography import x509

from ansible_collections.alibabacloud.apsaramq.plugins.modules import mqtt_ca_certificate_info

INSTANCE = 'post-cn-emulator01'
EXPIRING_SN = '00e0a1c0ffee000005'  # emulator-rsa2048-expiring: about 10 days left (tests/emulator/README.md)
JAVA_MINIMUM = 17
JAVA_TIMEOUT_SECONDS = 60
# Java starting, the first poll, a playbook run and the shutdown take seconds; this only bounds a run that hangs.
RULEBOOK_TIMEOUT_SECONDS = 300
RULEBOOK_DIR = pathlib.Path(__file__).parent / 'rulebook'
# Not resolved: the collection may be a symbolic link named ansible_collections/alibabacloud/apsaramq.
COLLECTIONS_ROOT = pathlib.Path(os.path.abspath(mqtt_ca_certificate_info.__file__)).parents[5]
BIN_DIR = pathlib.Path(sys.executable).parent
ANSIBLE_RULEBOOK = BIN_DIR / 'ansible-rulebook'


def java_version_problem():
    """What keeps ansible-rulebook from its Java 17+ runtime, or None. The java checked is the one ansible-rulebook runs:
    $JAVA_HOME/bin/java, else java on PATH."""
    java = os.path.join(os.environ['JAVA_HOME'], 'bin', 'java') if os.environ.get('JAVA_HOME') else shutil.which('java')
    if not java:
        return 'no java on PATH and no JAVA_HOME'
    try:
        process = subprocess.run([java, '-XshowSettings:properties', '-version'], capture_output=True, text=True,
                                 timeout=JAVA_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return '%s does not run (%s)' % (java, error)
    match = re.search(r'^\s*java\.version = (\d+)(?:\.(\d+))?', process.stderr, re.MULTILINE)
    if process.returncode != 0 or not match:
        return '%s does not run (exit status %d)' % (java, process.returncode)
    major = int(match.group(2) if match.group(1) == '1' and match.group(2) else match.group(1))  # 1.8 is Java 8
    if major < JAVA_MINIMUM:
        return '%s is Java %d' % (java, major)
    return None


def check_rulebook_prerequisites():
    """Java 17+ and the ansible-rulebook of tests/unit/requirements.txt; when one is missing the test fails in one line that
    says what to do, before it starts anything."""
    problem = java_version_problem()
    if problem:
        pytest.fail('the end-to-end test of the event source needs Java %d+ for ansible-rulebook: %s; install one '
                    '(tests/tooling/ensure-java.sh does, as root on Debian or Ubuntu; make units runs it) or set JAVA_HOME'
                    % (JAVA_MINIMUM, problem), pytrace=False)
    if not os.access(str(ANSIBLE_RULEBOOK), os.X_OK):
        pytest.fail('ansible-rulebook is not installed beside this Python (%s): install tests/unit/requirements.txt'
                    % sys.executable, pytrace=False)


def rulebook_environment(hermetic_environment):
    """The environment of ansible-rulebook: found as a user's installation finds the collection, through
    ANSIBLE_COLLECTIONS_PATH, and without a PYTHONPATH entry it could be imported from (what remains is ansible-test's, which
    holds ansible itself). The venv's bin first on PATH, for ansible-galaxy (ansible-rulebook finds collections with it) and
    ansible-playbook (ansible-runner runs it)."""
    environ = dict(os.environ, **hermetic_environment)
    pythonpath = [entry for entry in environ.pop('PYTHONPATH', '').split(os.pathsep)
                  if entry and not os.path.isdir(os.path.join(entry, 'ansible_collections'))]
    if pythonpath:
        environ['PYTHONPATH'] = os.pathsep.join(pythonpath)
    environ.update(PATH=os.pathsep.join([str(BIN_DIR), os.environ['PATH']]), ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_ROOT),
                   ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_NOCOLOR='1')
    # Else the test would not prove that the source, run as a file, finds the collection's module_utils by itself.
    probe = subprocess.run([sys.executable, '-c', 'import ansible_collections.alibabacloud.apsaramq.plugins.module_utils'],
                           env=environ, cwd=os.sep, capture_output=True, text=True, timeout=JAVA_TIMEOUT_SECONDS, check=False)
    assert probe.returncode != 0 and 'ModuleNotFoundError' in probe.stderr, 'the collection is importable without its collections path'
    return environ


def run_rulebook(work_dir, rulebook_vars, environ):
    """Runs ansible-rulebook on rulebook/expiring-ca.yml (copied to work_dir, its working directory) with rulebook_vars;
    returns (exit status, output: stdout then stderr). A run that outlasts RULEBOOK_TIMEOUT_SECONDS is killed with its
    children, and the test fails with what it printed."""
    project = work_dir / 'rulebook'
    shutil.copytree(str(RULEBOOK_DIR), str(project))
    vars_file = work_dir / 'vars.yml'
    vars_file.write_text(yaml.safe_dump(rulebook_vars), encoding='utf-8')
    inventory = work_dir / 'inventory.yml'
    inventory.write_text(yaml.safe_dump({'all': {'hosts': {'localhost': {
        'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}}}}), encoding='utf-8')
    command = [str(ANSIBLE_RULEBOOK), '--rulebook', 'expiring-ca.yml', '--inventory', str(inventory), '--vars', str(vars_file),
               '--print-events', '--verbose']
    process = subprocess.Popen(command, cwd=str(project), env=environ, stdin=subprocess.DEVNULL,  # pylint: disable=consider-using-with
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=RULEBOOK_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        pytest.fail('ansible-rulebook did not stop within %d seconds; its output:\n%s%s' % (RULEBOOK_TIMEOUT_SECONDS, stdout, stderr))
    return process.returncode, stdout + stderr


def test_an_expiring_ca_runs_the_playbook_of_the_rulebook(start_emulator, tmp_path, module_keys, hermetic_environment):
    check_rulebook_prerequisites()
    emulator = start_emulator()  # its own: the session's emulator may hold CAs that other tests changed
    record_file = tmp_path / 'expiring-ca.json'
    rulebook_vars = {'apsaramq_instance_id': INSTANCE, 'apsaramq_endpoint': emulator.url,
                     'apsaramq_access_key_id': module_keys['access_key_id'],
                     'apsaramq_access_key_secret': module_keys['access_key_secret'], 'record_file': str(record_file)}

    status, output = run_rulebook(tmp_path, rulebook_vars, rulebook_environment(hermetic_environment))

    assert status == 0, output
    assert record_file.exists(), 'the playbook wrote nothing; ansible-rulebook printed:\n%s' % output
    record = json.loads(record_file.read_text(encoding='utf-8'))
    served = next(ca['data'] for ca in emulator.fixtures['instances'][INSTANCE]['ca_certificates'] if ca['data']['Sn'] == EXPIRING_SN)
    event, found = record['event'], record['found']
    assert (event['type'], event['instance_id'], event['sn'], event['name'], event['status'], event['threshold']) == \
        ('ca_expiring', INSTANCE, EXPIRING_SN, 'emulator-rsa2048-expiring', 'active', 30), output
    assert 0 <= event['days_remaining'] < 30, output
    assert len(found) == 1, output
    certificate = found[0]
    assert (certificate['sn'], certificate['name'], certificate['status']) == (EXPIRING_SN, served['CaName'], 'active')
    assert 0 <= certificate['days_remaining'] < 30
    assert certificate['days_remaining'] == event['days_remaining']
    assert certificate['valid_end'] == event['valid_end']
    # The PEM as the emulator serves it (which has no final line break; the module adds exactly one).
    assert certificate['ca_pem'] == served['CaContent'] + '\n'
    assert x509.load_pem_x509_certificate(certificate['ca_pem'].encode()).serial_number == int(EXPIRING_SN, 16)
    assert module_keys['access_key_secret'] not in output
