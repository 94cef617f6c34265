# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The examples of README.md and docs/*.md run as written, against the emulator.

Every ```yaml and ```console block of those pages carries a marker on the line before it:

- ``<!-- example: run NAME -->``: run here, as written (RUNS says how: a playbook as it is, a task list as the tasks of
  a play of this test, console commands by bash); a NAME that this test does not know, or one it expects and does not
  find, fails;
- ``<!-- example: excerpt of PATH -->``: tasks copied from the playbook PATH (relative to the page), or sources and rules
  from the rulebook PATH, which something else runs (docs/examples/ca-rotation.yml: the Molecule scenario ca_rotation;
  docs/examples/rulebooks/ca-watch.yml: test_mqtt_ca_certificates_rulebook.py); each must be in PATH, as it is;
- ``<!-- example: not run: REASON -->``.

A block without a marker fails. Only the environment differs from what a user has: the keys come from
ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, the region of a task list from ALIBABA_CLOUD_REGION_ID,
and the API endpoint the examples name, onsmqtt.cn-hangzhou.aliyuncs.com, is reached through HTTPS_PROXY: a proxy of
this test that answers for that host with a certificate of its own CA (SSL_CERT_FILE) and passes the requests on to
the emulator, whose fixtures hold the instances, CAs and device certificates the examples name. The inventory is this
test's: local "devices" whose CA directory (mqtt_ca_dest) is under the test's directory.

All of it is one emulator, one openssl run and one ansible-playbook run, shared by the tests of this file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import grp
import json
import os
import pathlib
import pwd
import re
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ansible_collections.alibabacloud.apsaramq.plugins.modules import mqtt_ca_certificate_info

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGES = [ROOT / 'README.md'] + sorted((ROOT / 'docs').glob('*.md'))
EXAMPLE_LANGUAGES = ('yaml', 'yml', 'console', 'sh', 'shell', 'bash')
FENCE = re.compile(r'^( *)```(\S*)\s*$')
MARKER = re.compile(r'^\s*<!-- example: (run (?P<name>[\w-]+)|excerpt of (?P<excerpt>\S+)|not run: (?P<reason>\S.*\S)) -->\s*$')

# Not resolved: the collection may be a symbolic link named ansible_collections/alibabacloud/apsaramq.
COLLECTIONS_ROOT = pathlib.Path(os.path.abspath(mqtt_ca_certificate_info.__file__)).parents[5]
ANSIBLE_PLAYBOOK = pathlib.Path(sys.executable).parent / 'ansible-playbook'
RUN_TIMEOUT_SECONDS = 600

SERVICE_HOST = 'onsmqtt.cn-hangzhou.aliyuncs.com'  # the endpoint of the region the examples name
REGION = 'cn-hangzhou'
FLEET_INSTANCE = 'post-cn-7mz2d000000'
CREDENTIALS_INSTANCE = 'post-cn-0pp1ldu6l01'
FLEET_CA_SN = '00f26900ba87000000'
SECOND_CA_SN = '00f26900ba87000001'
UNPROVEN_CA_SN = '00f26900ba87000002'  # no verification certificate: its verification is null
LOCKED_OUT_DEVICE_SN = '3a5f00c3'  # the device that the rollback lets in again
REGISTRATION_CODE = '0123456789abcdef0123456789abcdef-docs'
WRITES = ('RegisterCaCertificate', 'ActiveCaCertificate', 'InactivateCaCertificate', 'DeleteCaCertificate',
          'ActiveDeviceCertificate', 'InactivateDeviceCertificate', 'DeleteDeviceCertificate')

# How each example that runs is run: 'playbook' as it is; 'tasks' as the tasks of a play of this test (hosts, variables
# the page names as the reader's own); 'console' by bash in the work directory.
RUNS = {
    'quick-start': ('README.md', 'playbook', None),
    'credentials-vault': ('docs/credentials.md', 'playbook', None),
    'fleet-role': ('docs/fleet-distribution.md', 'playbook', None),
    'fleet-by-hand': ('docs/fleet-distribution.md', 'tasks', {'hosts': 'by_hand'}),
    'gate-deployment': ('docs/ca-certificate-facts.md', 'tasks', {'hosts': 'devices'}),
    'openssl-ca': ('docs/ca-lifecycle.md', 'console', None),
    'register-ca': ('docs/ca-lifecycle.md', 'playbook', None),
    'lock-out-ca': ('docs/ca-lifecycle.md', 'tasks', {'hosts': 'localhost'}),
    'delete-ca': ('docs/ca-lifecycle.md', 'tasks', {'hosts': 'localhost', 'vars': {'old_ca_sn': '{{ fleet_ca.certificate.sn }}'}}),
    'rollback': ('docs/ca-rotation.md', 'tasks', {'hosts': 'localhost'}),
}


class Block:
    """One fenced block of a page: where it is, its language, its text (the fence's indentation removed) and its marker."""

    def __init__(self, page, line, language, text, marker):
        self.page, self.line, self.language, self.text, self.marker = page, line, language, text, marker

    @property
    def where(self):
        return '%s:%d' % (self.page, self.line)


def page_blocks(path):
    lines = path.read_text(encoding='utf-8').splitlines()
    page = path.relative_to(ROOT).as_posix()
    blocks, index = [], 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        indent, language = len(opening.group(1)), opening.group(2)
        end = next(number for number in range(index + 1, len(lines)) if lines[number].strip() == '```')
        text = ''.join(line[indent:] + '\n' for line in lines[index + 1:end])
        before = next((lines[number] for number in range(index - 1, -1, -1) if lines[number].strip()), '')
        blocks.append(Block(page, index + 1, language, text, MARKER.match(before)))
        index = end + 1
    return blocks


def example_blocks():
    return [block for path in PAGES for block in page_blocks(path) if block.language in EXAMPLE_LANGUAGES]


def blocks_to_run():
    """NAME -> Block, checked against RUNS."""
    found = {}
    for block in example_blocks():
        name = block.marker.group('name') if block.marker else None
        if name:
            assert name not in found, 'example %s is marked twice: %s and %s' % (name, found[name].where, block.where)
            found[name] = block
    assert sorted(found) == sorted(RUNS), 'the examples marked to run are not the ones this test runs'
    for name, (page, kind, _play) in RUNS.items():
        assert found[name].page == page, 'example %s moved to %s: update RUNS' % (name, found[name].where)
        assert (kind == 'console') == (found[name].language == 'console'), found[name].where
    return found


# --- the markers ---------------------------------------------------------------------------------------------------

def test_every_example_is_run_or_says_why_not():
    unmarked = [block.where for block in example_blocks() if not block.marker]
    assert unmarked == [], 'examples without a marker (run NAME, excerpt of PATH, or not run: REASON) before them'


def test_the_examples_marked_to_run_are_those_this_test_runs():
    blocks_to_run()


def _tasks_of(node):
    """Every task of a playbook's plays, blocks included, as parsed; of a rulebook, every source and rule."""
    if isinstance(node, list):
        return [task for item in node for task in _tasks_of(item)]
    if not isinstance(node, dict):
        return []
    inner = [task for key in ('tasks', 'pre_tasks', 'post_tasks', 'handlers', 'block', 'rescue', 'always', 'sources', 'rules')
             for task in _tasks_of(node.get(key))]
    return inner + ([node] if 'hosts' not in node and 'import_playbook' not in node else [])


def test_every_excerpt_is_a_task_of_its_playbook_as_it_is():
    excerpts = [block for block in example_blocks() if block.marker and block.marker.group('excerpt')]
    assert excerpts, 'no excerpt found: the marker changed?'
    for block in excerpts:
        playbook = (ROOT / block.page).parent / block.marker.group('excerpt')
        tasks = _tasks_of(yaml.safe_load(playbook.read_text(encoding='utf-8')))
        for task in _tasks_of(yaml.safe_load(block.text)):
            assert task in tasks, '%s: the task %r is not in %s as written there' % (block.where, task.get('name'), playbook)


# --- the emulator's fixtures: the instances, CAs and devices the examples name -------------------------------------

def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject, issuer, key, signing_key, serial, days, ca):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
               .serial_number(serial).not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    return builder.sign(signing_key, hashes.SHA256())


def _pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM).decode('ascii').strip()


def _millis(moment):
    return str(int(moment.timestamp() * 1000))


def fleet_fixtures():
    """Instance FLEET_INSTANCE: three active CAs (the third without a verification certificate), a locked-out device of
    the first; CREDENTIALS_INSTANCE: the first CA."""
    cas, devices = [], []
    for sn, name, verified in ((FLEET_CA_SN, 'fleet-2026', True), (SECOND_CA_SN, 'fleet-2026-b', True), (UNPROVEN_CA_SN, 'fleet-unproven', False)):
        key = ec.generate_private_key(ec.SECP256R1())
        ca = _certificate(_name(name), _name(name), key, key, int(sn, 16), 730, True)
        verification = _certificate(_name(REGISTRATION_CODE), ca.subject, ec.generate_private_key(ec.SECP256R1()), key, 1, 730, False)
        cas.append({'description': name, 'data': {
            'RegistrationCode': REGISTRATION_CODE, 'CaName': name, 'Sn': sn, 'CaContent': _pem(ca),
            'VerificationContent': _pem(verification) if verified else '', 'Status': '1',
            'ValidBegin': _millis(ca.not_valid_before_utc), 'ValidEnd': _millis(ca.not_valid_after_utc)}})
        if sn == FLEET_CA_SN:
            device = _certificate(_name('device-03'), ca.subject, ec.generate_private_key(ec.SECP256R1()), key, int(LOCKED_OUT_DEVICE_SN, 16), 365, False)
            devices.append({'description': 'locked out', 'data': {
                'CaSn': sn, 'DeviceSn': LOCKED_OUT_DEVICE_SN, 'DeviceName': 'device-03', 'DeviceContent': _pem(device), 'Status': '0',
                'ValidBegin': _millis(device.not_valid_before_utc), 'ValidEnd': _millis(device.not_valid_after_utc)}})
    instance = {'description': 'the examples\' fleet', 'registration_code': REGISTRATION_CODE, 'ca_certificates': cas,
                'device_certificates': devices}
    return {'format': 'onsmqtt-emulator-fixtures', 'version': 1, 'generated_at': '2026-01-01T00:00:00Z',
            'credentials': [{'access_key_id': 'emulator-access-key-id', 'access_key_secret': 'emulator-access-key-secret'}],
            'instances': {FLEET_INSTANCE: instance,
                          CREDENTIALS_INSTANCE: {'registration_code': REGISTRATION_CODE, 'ca_certificates': cas[:1]}}}


FLEET_FIXTURES = fleet_fixtures()


def served_pem(sn):
    """The PEM of the fleet's CA SN as the module returns it (with one final newline)."""
    return next(ca['data']['CaContent'] for ca in FLEET_FIXTURES['instances'][FLEET_INSTANCE]['ca_certificates'] if ca['data']['Sn'] == sn) + '\n'


# --- the service's host, answered by the emulator --------------------------------------------------------------------

def _tls_files(directory):
    """A CA (written to DIRECTORY/ca.pem, for SSL_CERT_FILE) and an SSLContext serving SERVICE_HOST with a certificate of it."""
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_name = _name('docs examples test CA')
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .add_extension(ca_ski, critical=False).sign(ca_key, hashes.SHA256()))
    server = (x509.CertificateBuilder().subject_name(_name(SERVICE_HOST)).issuer_name(ca_name).public_key(key.public_key())
              .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
              .not_valid_after(now + datetime.timedelta(days=1))
              .add_extension(x509.SubjectAlternativeName([x509.DNSName(SERVICE_HOST)]), critical=False)
              .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
              .sign(ca_key, hashes.SHA256()))
    ca_file, chain_file = directory / 'ca.pem', directory / 'server.pem'
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    chain_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
                           + server.public_bytes(serialization.Encoding.PEM))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(chain_file))
    chain_file.unlink()
    return ca_file, context


def _pump(source, target):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            target.sendall(data)
    except OSError:
        pass
    finally:
        try:
            target.shutdown(socket.SHUT_WR)
        except OSError:
            pass


class _ServiceProxy(BaseHTTPRequestHandler):
    """HTTPS_PROXY: a CONNECT to SERVICE_HOST:443 gets TLS with the test's certificate for it, and the requests inside go
    to the emulator as they are; any other target is refused. Each target asked for is logged."""

    def do_CONNECT(self):  # pylint: disable=invalid-name
        self.server.targets.append(self.path)
        if self.path != SERVICE_HOST + ':443':
            self.send_error(403)
            return
        self.send_response(200, 'Connection established')
        self.end_headers()
        self.close_connection = True
        try:
            client = self.server.tls.wrap_socket(self.connection, server_side=True)
        except (OSError, ssl.SSLError):
            return
        with socket.create_connection(self.server.upstream, timeout=30) as upstream:
            answers = threading.Thread(target=_pump, args=(upstream, client), daemon=True)
            answers.start()
            _pump(client, upstream)
            answers.join(30)

    def log_message(self, *args):
        pass


# --- one run of everything ---------------------------------------------------------------------------------------------

def _inventory(work_dir):
    owner, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
    devices = {name: {'mqtt_ca_dest': str(work_dir / 'devices' / name / 'ca')} for name in ('device-01', 'device-02')}
    return {'all': {
        'vars': {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable,
                 # the reader's own values, which the pages name without giving
                 'mqtt_instance_id': FLEET_INSTANCE, 'fleet_ca_sns': [FLEET_CA_SN, SECOND_CA_SN],
                 'vault_mqtt_ak_id': 'emulator-access-key-id', 'vault_mqtt_ak_secret': 'emulator-access-key-secret',
                 'vault_fleet_ca_passphrase': (work_dir / 'pki' / 'fleet-2027.pass').read_text(encoding='ascii').strip(),
                 'mqtt_ca_owner': owner, 'mqtt_ca_group': group},
        'hosts': {'localhost': {}},
        'children': {
            'devices': {'hosts': devices},
            'by_hand': {'hosts': {'device-11': {'mqtt_ca_dest': str(work_dir / 'devices' / 'device-11' / 'ca')}}},
            'unproven': {'hosts': {'device-21': {'fleet_ca_sns': [FLEET_CA_SN, UNPROVEN_CA_SN]}}},
        }}}


def _site(work_dir, blocks):
    """The playbook that runs every example but the console ones, in RUNS's order, each from its own file as written;
    then the gate of a deployment on a CA whose verification is null, its failure kept in gate-unproven.json."""
    plays = []
    for name, (_page, kind, play) in RUNS.items():
        if kind == 'console':
            continue
        example = work_dir / ('%s.yml' % name)
        example.write_text(blocks[name].text, encoding='utf-8')
        if kind == 'playbook':
            plays.append({'name': 'Example %s' % name, 'ansible.builtin.import_playbook': example.name})
        else:
            plays.append(dict(play, name='Example %s' % name, gather_facts=False,
                              tasks=[{'name': 'The example', 'ansible.builtin.import_tasks': example.name}]))
    plays.append({'name': 'Example gate-deployment, for a CA without a verification certificate', 'hosts': 'unproven', 'gather_facts': False,
                  'tasks': [{'name': 'The gate', 'block': [{'name': 'The example', 'ansible.builtin.import_tasks': 'gate-deployment.yml'}],
                             'rescue': [{'name': 'Keep its failure', 'ansible.builtin.copy': {
                                 'content': '{{ ansible_failed_result | to_json }}', 'dest': str(work_dir / 'gate-unproven.json'),
                                 'mode': '0600'}, 'delegate_to': 'localhost'}]}]})
    (work_dir / 'site.yml').write_text(yaml.safe_dump(plays, sort_keys=False), encoding='utf-8')


def _environment(hermetic_environment, proxy_url, ca_file):
    environ = dict(os.environ, **hermetic_environment)
    for name in list(environ):
        if name.upper() in ('HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY', 'NO_PROXY') or name.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')):
            del environ[name]
    # Found as a user's installation finds the collection: through ANSIBLE_COLLECTIONS_PATH, not PYTHONPATH.
    pythonpath = [entry for entry in environ.pop('PYTHONPATH', '').split(os.pathsep)
                  if entry and not os.path.isdir(os.path.join(entry, 'ansible_collections'))]
    if pythonpath:
        environ['PYTHONPATH'] = os.pathsep.join(pythonpath)
    environ.update(hermetic_environment, HTTPS_PROXY=proxy_url, SSL_CERT_FILE=str(ca_file),
                   ALIBABA_CLOUD_ACCESS_KEY_ID='emulator-access-key-id', ALIBABA_CLOUD_ACCESS_KEY_SECRET='emulator-access-key-secret',
                   ALIBABA_CLOUD_REGION_ID=REGION, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_ROOT), ANSIBLE_NOCOLOR='1',
                   ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
                   PATH=os.pathsep.join([str(ANSIBLE_PLAYBOOK.parent), os.environ['PATH']]))
    return environ


class ExamplesEmulator:
    """The emulator of this file's tests, on FLEET_FIXTURES: where it listens, and its request log."""

    def __init__(self, command, work_dir):
        (work_dir / 'fixtures.json').write_text(json.dumps(FLEET_FIXTURES), encoding='utf-8')
        # Its stdin is a pipe: it stops when this process goes, whatever happens to the tests.
        arguments = ['--port', '0', '--fixtures', str(work_dir / 'fixtures.json'), '--stop-on-stdin-eof']
        self.process = subprocess.Popen(command + arguments, stdin=subprocess.PIPE, stdout=subprocess.PIPE,  # pylint: disable=consider-using-with
                                        stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        assert line.startswith('listening on http://127.0.0.1:'), 'the emulator did not start: %r' % line
        self.url = line.split(' ', 2)[2].strip()
        self.port = int(self.url.rsplit(':', 1)[1])

    def actions(self):
        """(action, HTTP status) of every request it got."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(self.url + '/_emulator/requests', timeout=10) as answer:
            return [(request['action'], request['status']) for request in json.load(answer)['requests']]

    def stop(self):
        self.process.terminate()
        self.process.wait(10)
        self.process.stdin.close()
        self.process.stdout.close()


class ExamplesRun:
    """What the run left: the emulator, the proxy's targets, the work directory, and ansible-playbook's run."""

    def __init__(self, emulator, targets, work_dir, playbook):
        self.emulator, self.targets, self.work_dir, self.playbook = emulator, targets, work_dir, playbook

    @property
    def output(self):
        return self.playbook.stdout + self.playbook.stderr

    def play_output(self, play_name):
        """What the play of that name printed, up to the next play."""
        start = self.playbook.stdout.index('PLAY [%s]' % play_name)
        end = self.playbook.stdout.find('\nPLAY ', start + 1)
        return self.playbook.stdout[start:end if end >= 0 else None]

    def actions(self):
        return self.emulator.actions()


@pytest.fixture(scope='module')
def examples_run(emulator_command, hermetic_environment, tmp_path_factory):
    blocks = blocks_to_run()
    if not shutil.which('openssl'):
        pytest.fail('the examples need openssl (docs/ca-lifecycle.md): install it (tests/tooling/ensure-openssl.sh does, as root '
                    'on Debian or Ubuntu; make units runs it)', pytrace=False)
    work_dir = tmp_path_factory.mktemp('docs-examples')
    ca_file, tls = _tls_files(work_dir)
    emulator = ExamplesEmulator(list(emulator_command), tmp_path_factory.mktemp('docs-examples-emulator'))
    proxy = ThreadingHTTPServer(('127.0.0.1', 0), _ServiceProxy)
    proxy.daemon_threads, proxy.targets, proxy.tls, proxy.upstream = True, [], tls, ('127.0.0.1', emulator.port)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        environ = _environment(hermetic_environment, 'http://127.0.0.1:%d' % proxy.server_address[1], ca_file)
        # Nobody at the keyboard: a prompt fails at once.
        openssl_run = subprocess.run(['bash', '-euo', 'pipefail', '-c', blocks['openssl-ca'].text], cwd=str(work_dir), env=environ,
                                     stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS, check=False)
        if openssl_run.returncode != 0:
            pytest.fail('%s did not run: %s%s' % (blocks['openssl-ca'].where, openssl_run.stdout, openssl_run.stderr), pytrace=False)
        (work_dir / 'inventory.yml').write_text(yaml.safe_dump(_inventory(work_dir)), encoding='utf-8')
        _site(work_dir, blocks)
        playbook = subprocess.run([str(ANSIBLE_PLAYBOOK), '-i', 'inventory.yml', 'site.yml'], cwd=str(work_dir), env=environ,
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS, check=False)
        yield ExamplesRun(emulator, proxy.targets, work_dir, playbook)
    finally:
        proxy.shutdown()
        proxy.server_close()
        emulator.stop()


def _recap(output):
    """host -> {'ok': N, 'changed': N, 'failed': N, ...} from the PLAY RECAP."""
    return dict((host, dict((key, int(value)) for key, value in re.findall(r'(\w+)=(\d+)', counts)))
                for host, counts in re.findall(r'^(\S+)\s+: (ok=.*)$', output, re.M))


# --- what the run shows ---------------------------------------------------------------------------------------------

def check_every_example_ran_without_failure(examples_run):
    recap = _recap(examples_run.playbook.stdout)
    assert examples_run.playbook.returncode == 0, examples_run.output
    assert sorted(recap) == ['device-01', 'device-02', 'device-11', 'device-21', 'localhost'], examples_run.output
    assert all(counts['failed'] == 0 for counts in recap.values()), examples_run.output
    assert 'emulator-access-key-secret' not in examples_run.output
    # The region the examples name picked the endpoint; the proxy stood in for it.
    assert set(examples_run.targets) == {SERVICE_HOST + ':443'}


def check_the_quick_start_writes_each_ca_on_a_fresh_host_without_printing_it(examples_run):
    for device in ('device-01', 'device-02'):
        written = examples_run.work_dir / 'devices' / device / 'ca' / ('%s.pem' % FLEET_CA_SN)
        assert written.read_text(encoding='ascii') == served_pem(FLEET_CA_SN)
    quick_start = examples_run.play_output("Put the fleet's CA certificates on every device")
    assert 'TASK [Write each CA\'s PEM]' in quick_start and 'BEGIN CERTIFICATE' not in quick_start, quick_start


def check_the_fleet_examples_write_every_ca_named(examples_run):
    for device in ('device-01', 'device-02', 'device-11'):
        for sn in (FLEET_CA_SN, SECOND_CA_SN):
            assert (examples_run.work_dir / 'devices' / device / 'ca' / ('%s.pem' % sn)).read_text(encoding='ascii') == served_pem(sn)
    by_hand = examples_run.play_output('Example fleet-by-hand')
    assert 'TASK [Write each CA]' in by_hand and 'BEGIN CERTIFICATE' not in by_hand, by_hand


def check_the_gate_refuses_a_ca_without_a_verification_certificate_with_its_message(examples_run):
    failure = json.loads((examples_run.work_dir / 'gate-unproven.json').read_text(encoding='utf-8'))
    messages = [result.get('msg') for result in failure['results'] if result.get('failed')]
    assert len(messages) == 1, failure
    assert re.match(r'CA %s \(fleet-unproven\) is active, 7[23]\d days left, registration unproven$' % UNPROVEN_CA_SN, messages[0]), failure


def check_the_openssl_commands_make_an_encrypted_ca_key_and_its_certificate_unattended(examples_run):
    pki = examples_run.work_dir / 'pki'
    assert pki.stat().st_mode & 0o077 == 0
    assert (pki / 'fleet-2027.key').read_text(encoding='ascii').startswith('-----BEGIN ENCRYPTED PRIVATE KEY-----')
    certificate = x509.load_pem_x509_certificate((pki / 'fleet-2027.crt').read_bytes())
    assert certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == 'Example Fleet CA 2027'


def check_the_lifecycle_examples_register_lock_out_and_delete_the_ca(examples_run):
    writes = [(action, status) for action, status in examples_run.actions() if action in WRITES]
    assert writes == [('RegisterCaCertificate', 200), ('InactivateCaCertificate', 200), ('DeleteCaCertificate', 200),
                      ('ActiveDeviceCertificate', 200)], examples_run.output
    assert re.search(r'"msg": "[0-9a-f]+ expires \d{4}-\d\d-\d\dT', examples_run.playbook.stdout), examples_run.output


def check_the_rollback_lets_the_device_in_again(examples_run):
    recap_output = examples_run.playbook.stdout
    assert re.search(r'TASK \[Let the devices that still need it in again\][^\n]*\nchanged: \[localhost\]', recap_output), recap_output


def test_the_examples_run_as_written(examples_run):
    """One test for the one run: under pytest-xdist, tests of their own could each start the run on another worker."""
    check_every_example_ran_without_failure(examples_run)
    check_the_quick_start_writes_each_ca_on_a_fresh_host_without_printing_it(examples_run)
    check_the_fleet_examples_write_every_ca_named(examples_run)
    check_the_gate_refuses_a_ca_without_a_verification_certificate_with_its_message(examples_run)
    check_the_openssl_commands_make_an_encrypted_ca_key_and_its_certificate_unattended(examples_run)
    check_the_lifecycle_examples_register_lock_out_and_delete_the_ca(examples_run)
    check_the_rollback_lets_the_device_in_again(examples_run)
