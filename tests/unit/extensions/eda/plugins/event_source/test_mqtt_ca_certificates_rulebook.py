# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The event source end to end: the real ansible-rulebook runs rulebook/expiring-ca.yml, whose source
alibabacloud.apsaramq.mqtt_ca_certificates watches the emulator's instance; its ca_expiring event at 30 days runs
rulebook/record-expiring-ca.yml, which looks the CA up with mqtt_ca_certificate_info and writes what it found; then the
rulebook shuts down. And the guide's example as shipped (docs/examples): its 7-day rule runs the rotation, its warning
posts, and a restart over the same state_file repeats neither.

ansible-rulebook finds the collection as on a user's machine: through ANSIBLE_COLLECTIONS_PATH and ansible-galaxy, without
PYTHONPATH, and runs the source as a file (runpy.run_path). It needs a Java 17+ runtime (tests/tooling/ensure-java.sh
installs one for make units); without it this test fails, saying so, rather than being skipped.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import http.server
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

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


# The guide's example as shipped (docs/examples: rulebooks/ca-watch.yml, its playbooks, eda/inventory with its group_vars,
# the new CA made by eda/make-new-ca.sh), run by the real ansible-rulebook against the emulator. Only what points it at the
# emulator is added: the source's endpoint, and host_vars giving the playbooks' modules the same endpoint and the demo
# device a directory of the test's own.
EXAMPLES_DIR = pathlib.Path(__file__).resolve().parents[6] / 'docs' / 'examples'
EXPIRED_SN = '00e0a1c0ffee000004'
DAY_MS = 86400 * 1000
NEW_CA_NAME = 'fleet-ca-next'


class Webhook:
    """A chat channel's incoming webhook on loopback: the JSON bodies POSTed to it, in order."""

    def __init__(self):
        posts = self.posts = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the name http.server calls)
                posts.append(json.loads(self.rfile.read(int(self.headers['Content-Length']))))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d/hooks/channel' % self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook():
    hook = Webhook()
    yield hook
    hook.stop()


def guide_project(work_dir, emulator):
    """docs/examples copied to work_dir/examples, pointed at ``emulator``; the new CA made as the guide says."""
    project = work_dir / 'examples'
    shutil.copytree(str(EXAMPLES_DIR), str(project))
    rulebook_file = project / 'rulebooks' / 'ca-watch.yml'
    rulebook = yaml.safe_load(rulebook_file.read_text(encoding='utf-8'))
    rulebook[0]['sources'][0]['alibabacloud.apsaramq.mqtt_ca_certificates']['endpoint'] = emulator.url
    rulebook_file.write_text(yaml.safe_dump(rulebook, sort_keys=False), encoding='utf-8')
    host_vars = project / 'eda' / 'inventory' / 'host_vars'
    host_vars.mkdir()
    connection = {'rotation_connection': {'endpoint': emulator.url}}
    (host_vars / 'localhost.yml').write_text(yaml.safe_dump(connection), encoding='utf-8')
    device = dict(connection, mqtt_ca_dest=str(work_dir / 'demo-device' / 'ca'))
    (host_vars / 'demo-device.yml').write_text(yaml.safe_dump(device), encoding='utf-8')
    made = subprocess.run(['sh', 'eda/make-new-ca.sh', str(work_dir / 'new-ca')], cwd=str(project), capture_output=True, text=True,
                          timeout=JAVA_TIMEOUT_SECONDS, check=False)
    assert made.returncode == 0, made.stderr
    return project


def run_until(project, vars_file, environ, log_file, done):
    """Runs ansible-rulebook on the guide's rulebook until ``done(output)`` is true, then interrupts it as a controller stopping
    an activation does (SIGINT), and returns its output. Fails with the output when done never comes."""
    command = [str(ANSIBLE_RULEBOOK), '-i', 'eda/inventory', '--rulebook', 'rulebooks/ca-watch.yml', '--vars', str(vars_file), '--verbose']
    with open(str(log_file), 'w', encoding='utf-8') as log:
        process = subprocess.Popen(command, cwd=str(project), env=environ, stdin=subprocess.DEVNULL,  # pylint: disable=consider-using-with
                                   stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    deadline = time.monotonic() + RULEBOOK_TIMEOUT_SECONDS
    try:
        while not done(log_file.read_text(encoding='utf-8')):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail('ansible-rulebook stopped or took too long (exit status %s); its output:\n%s'
                            % (process.poll(), log_file.read_text(encoding='utf-8')))
            time.sleep(0.5)
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=JAVA_TIMEOUT_SECONDS)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return log_file.read_text(encoding='utf-8')


def test_the_guides_rulebook_rotates_at_7_days_and_a_restart_repeats_no_action(start_emulator, emulator, tmp_path, module_keys,
                                                                               hermetic_environment, webhook, acs_client):
    check_rulebook_prerequisites()
    fixtures = json.loads(json.dumps(emulator.fixtures))
    expiring = next(ca['data'] for ca in fixtures['instances'][INSTANCE]['ca_certificates'] if ca['data']['Sn'] == EXPIRING_SN)
    expiring['ValidEnd'] = int(time.time() * 1000 + 5.5 * DAY_MS)  # 5 whole days left: past the rule's 7
    server = start_emulator(fixtures=fixtures)
    project = guide_project(tmp_path, server)
    state_file = tmp_path / 'state' / 'ca-watch.json'
    state_file.parent.mkdir()
    vars_file = tmp_path / 'ca-watch-vars.yml'
    vars_file.write_text(yaml.safe_dump({'watch_instance_id': INSTANCE, 'watch_webhook_url': webhook.url, 'watch_state_file': str(state_file),
                                         'watch_new_ca_dir': str(tmp_path / 'new-ca')}), encoding='utf-8')
    environ = rulebook_environment(hermetic_environment)
    environ.update(ALIBABA_CLOUD_ACCESS_KEY_ID=module_keys['access_key_id'], ALIBABA_CLOUD_ACCESS_KEY_SECRET=module_keys['access_key_secret'])

    # Two playbooks: the warning of the expired CA, and the rotation of the expiring one; then the state is written.
    first = run_until(project, vars_file, environ, tmp_path / 'first.log',
                      lambda output: output.count('PLAY RECAP') == 2 and state_file.exists())
    written = state_file.stat().st_mtime_ns
    registered = [ca for ca in server.requests_log()['requests'] if ca['action'] == 'RegisterCaCertificate']
    assert len(registered) == 1, first
    assert [post['text'].split(')')[0] for post in webhook.posts] == ['MQTT instance %s: CA emulator-ec-p256-expired (%s' % (INSTANCE, EXPIRED_SN)]
    assert 'failed=1' not in first and 'unreachable=1' not in first, first
    listed = acs_client(server.url).call('ListCaCertificate', {'MqttInstanceId': INSTANCE, 'PageNo': '1', 'PageSize': '100'})
    (new_ca,) = [ca for ca in listed['Data']['CaCertificateVOS'] if ca['CaName'] == NEW_CA_NAME]
    new_pem = (tmp_path / 'new-ca' / 'ca.pem').read_text(encoding='utf-8')
    assert x509.load_pem_x509_certificate(new_ca['CaContent'].encode()) == x509.load_pem_x509_certificate(new_pem.encode())
    # The demo device trusts both CAs while the devices move.
    device_files = sorted(path.name for path in (tmp_path / 'demo-device' / 'ca').iterdir())
    assert device_files == sorted(['%s.pem' % EXPIRING_SN, '%s.pem' % new_ca['Sn']]), first

    # Restarted over the same state file: its first poll reports nothing, no playbook runs.
    second = run_until(project, vars_file, environ, tmp_path / 'second.log',
                       lambda output: state_file.stat().st_mtime_ns != written)
    time.sleep(3)  # time for a rule to start a playbook, had the poll given any event
    second = (tmp_path / 'second.log').read_text(encoding='utf-8')
    assert 'PLAY RECAP' not in second, second
    assert len(webhook.posts) == 1
    assert [ca['action'] for ca in server.requests_log()['requests']].count('RegisterCaCertificate') == 1
    assert module_keys['access_key_secret'] not in first + second


def test_the_guides_warning_posts_an_expiry_once_and_every_status_change(tmp_path, webhook, hermetic_environment):
    """ca-expiry-warning.yml as a rule without state_file runs it: the same event twice (a restarted source) posts once."""
    expiring = {'type': 'ca_expiring', 'instance_id': INSTANCE, 'sn': EXPIRING_SN, 'name': 'fleet-ca', 'status': 'active',
                'valid_end': '2026-12-18T00:00:00Z', 'days_remaining': 10, 'threshold': 30, 'previous_status': None}
    inactivated = dict(expiring, type='ca_status_changed', status='inactive', previous_status='active', threshold=None)
    environ = dict(os.environ, **hermetic_environment)
    environ.update(PATH=os.pathsep.join([str(BIN_DIR), os.environ['PATH']]), ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_NOCOLOR='1')
    for number, event in enumerate([expiring, expiring, inactivated, inactivated]):
        extra_vars = tmp_path / ('vars-%d.json' % number)
        extra_vars.write_text(json.dumps({'ansible_eda': {'event': {'apsaramq': event}}, 'warning_webhook_url': webhook.url,
                                          'warning_sent_dir': str(tmp_path / 'sent'), 'ansible_python_interpreter': sys.executable}),
                              encoding='utf-8')
        played = subprocess.run([str(BIN_DIR / 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(EXAMPLES_DIR / 'ca-expiry-warning.yml'),
                                 '-e', '@%s' % extra_vars], env=environ, capture_output=True, text=True, timeout=RULEBOOK_TIMEOUT_SECONDS, check=False)
        assert played.returncode == 0, played.stdout + played.stderr
    assert [post['text'].rsplit(') ', 1)[1] for post in webhook.posts] == [
        'ends in 10 days (2026-12-18T00:00:00Z): rotate it before then', 'is now inactive (was active)', 'is now inactive (was active)']
    assert len(list((tmp_path / 'sent').iterdir())) == 1
