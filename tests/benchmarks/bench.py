# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection against what users would otherwise use, side by side in one run, against the emulator on loopback.

Cases (each run after a warm-up, several times, interleaved with what it is compared with):
  adhoc   one lookup with `ansible localhost -m` of the module, and of ansible.builtin.uri (unsigned, --accept-unsigned)
  lookup  one lookup by a plain Python script: lookup_module_utils.py (our module_utils) and lookup_sdk.py (the
          official SDK), both in one venv under the cache directory: whole-process wall time and peak RSS
  sns     1, 10 and 100 SNs at 50 ms latency: one task with every SN, and a loop: of single-SN tasks
  hosts   the mqtt_ca role over 10, 100 and 500 local hosts, and a baseline play doing the same file work with
          plain stat/file/copy tasks: wall time, the role's API requests, per-host slopes
  audit   10,000 device certificates at 50 ms latency: one mqtt_device_certificate_info task returning those that expire
          within 30 days, and audit_sdk.py (the official SDK, one page after the other) doing the same, results compared;
          the full listing in one task, and where its time goes (audit_module_utils.py, the module run by itself)
  inactivate  1,000 devices inactivated by one mqtt_device_certificate task, and by a loop: of single-device tasks
  poll    the event source's polls with include_device_certificates (event_source_poll.py) of 10,000, 50,000 and 100,000
          device certificates: the first poll, the unchanged ones after it, the state file, peak RSS; by their slopes,
          the source's cost at 1,000,000 and the largest fleet whose unchanged poll fits in an interval of 60 s
Then the must-reach checks (ratios from this run); the exit status is 1 when any is missed, and the table says which.

Run it in the test venv with the collection importable, as `make bench` does:
    python tests/benchmarks/bench.py [--quick] [--runs 7] [--only adhoc,lookup] [--json-dir DIR] [--cache-dir DIR]
    python tests/benchmarks/bench.py --only audit,inactivate [--device-count 10000] [--inactivate-count 1000]
"""

import argparse
import copy
import datetime
import functools
import getpass
import grp
import json
import os
import pathlib
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import benchlib  # noqa: E402  pylint: disable=wrong-import-position

HERE = pathlib.Path(os.path.abspath(__file__)).parent  # not resolved: the collection tree may be a symlink
REPO = HERE.parents[1]
EMULATOR = REPO / 'tests' / 'emulator' / 'onsmqtt_emulator.py'
CALLBACKS = HERE / 'callback_plugins'
INSTANCE = 'post-cn-emulator01'
KEY_ID, KEY_SECRET = 'emulator-access-key-id', 'emulator-access-key-secret'
SN = '00e0a1c0ffee000001'  # the RSA CA with its verification certificate
HOST_SNS = [SN]  # the role's SNs in the host case: one file per host
MODULE = 'alibabacloud.apsaramq.mqtt_ca_certificate_info'
DEVICE_INFO_MODULE = 'alibabacloud.apsaramq.mqtt_device_certificate_info'
DEVICE_MODULE = 'alibabacloud.apsaramq.mqtt_device_certificate'
DEVICE_CA_SN = SN  # the CA whose devices the inactivate case locks out
EXPIRES_WITHIN_DAYS = 30
CASES = ('adhoc', 'lookup', 'sns', 'hosts', 'audit', 'inactivate', 'poll')
EXTRA_CASES = ('profile',)  # only when asked for with --only
PYINSTRUMENT = 'pyinstrument==5.1.3'

# The must-reach limits of issue 7.
MODULE_VS_URI_WALL = 1.0
LOOKUP_VS_SDK_WALL = 0.5
LOOKUP_VS_SDK_RSS = 0.7
ONE_TASK_VS_LOOP_AT_100 = 10.0
ROLE_SLOPE_VS_FILE_WORK = 1.10
# The must-reach limit of issue 15.
SDK_LOOP_VS_AUDIT_TASK = 3.0
# Issue 21: the event source watches POLL_TARGET_DEVICES within an interval of POLL_INTERVAL_SECONDS, under POLL_MAX_RSS_MIB.
POLL_TARGET_DEVICES = 1000000
POLL_INTERVAL_SECONDS = 60
POLL_MAX_RSS_MIB = 1024


def collections_root():
    """The directory holding ansible_collections/alibabacloud/apsaramq: this tree must be an installed collection."""
    if REPO.parent.name == 'alibabacloud' and REPO.parents[1].name == 'ansible_collections':
        return REPO.parents[2]
    raise SystemExit('run bench.py from a collection tree (tests/tooling/ansible-test.sh --run ..., as make bench does), not from %s' % REPO)


def default_cache_dir():
    """The repository's .cache: ansible-test.sh copies the tree to <cache>/collections/<key>/ansible_collections/ns/name."""
    root = collections_root()
    if root.parent.name == 'collections':
        return root.parents[1]
    return REPO / '.cache'


# --- processes -----------------------------------------------------------------------------------------------


class Run:
    """One finished process: wall seconds, peak RSS in KiB (of it and the children it waited for), output."""

    def __init__(self, seconds, max_rss_kib, returncode, stdout, stderr):
        self.seconds = seconds
        self.max_rss_kib = max_rss_kib
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


def run_measured(command, env, cwd=None, expect=()):
    """Run ``command`` alone and measure it; raise SystemExit when it fails or its output lacks an ``expect`` text."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=cwd)  # pylint: disable=consider-using-with
        dummy, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        run = Run(seconds, usage.ru_maxrss, process.returncode, out.read().decode('utf-8', 'replace'), err.read().decode('utf-8', 'replace'))
    missing = [text for text in expect if text not in run.stdout]
    if run.returncode or missing:
        raise SystemExit('%s failed (status %s%s):\n%s\n%s' % (' '.join(command[:3]), run.returncode,
                                                               ', no %r in its output' % missing[0] if missing else '',
                                                               run.stdout[-3000:], run.stderr[-3000:]))
    return run


def interleaved(commands, runs, warmups=1, before_each=None):
    """``{name: [Run, ...]}``: each command ``warmups`` times unmeasured, then ``runs`` rounds, the order reversed every round."""
    names = list(commands)
    for dummy in range(warmups):
        for name in names:
            if before_each:
                before_each(name)
            commands[name]()
    measured = dict((name, []) for name in names)
    for number in range(runs):
        for name in (names if number % 2 == 0 else reversed(names)):
            if before_each:
                before_each(name)
            measured[name].append(commands[name]())
    return measured


class Emulator:
    """The emulator as a subprocess; stops when this script's pipe to it closes."""

    def __init__(self, work_dir, fixtures, *args):
        """``fixtures``: the fixture data, or the path of a fixture file."""
        if isinstance(fixtures, pathlib.Path):
            path = fixtures
        else:
            path = work_dir / ('fixtures-%d.json' % id(self))
            path.write_text(json.dumps(fixtures))
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, str(EMULATOR), '--port', '0', '--fixtures', str(path), '--stop-on-stdin-eof', *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.url = self.process.stdout.readline().split()[-1]
        self.host_port = self.url.split('://', 1)[1]

    def _control(self, path, body=None):
        request = urllib.request.Request(self.url + path, data=body, method='POST' if body is not None else 'GET')
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)

    def request_count(self):
        return self._control('/_emulator/requests')['count']

    def requests(self):
        return self._control('/_emulator/requests')['requests']

    def reset(self):
        self._control('/_emulator/reset', b'')

    def stop(self):
        self.process.stdin.close()
        self.process.wait(10)


def default_fixtures(work_dir):
    path = work_dir / 'defaults.json'
    subprocess.run([sys.executable, str(EMULATOR), '--write-fixtures', str(path)], check=True)
    return json.loads(path.read_text())


def with_copies(fixtures, count):
    """The default fixtures plus ``count`` copies of the first CA, each with its own SN (bench-0000, ...)."""
    many = copy.deepcopy(fixtures)
    cas = many['instances'][INSTANCE]['ca_certificates']
    template = cas[0]['data']
    cas.extend({'data': dict(template, Sn='bench-%04d' % number)} for number in range(count))
    return many


def device_fixtures(work_dir, fixtures, total):
    """The path of a fixture file whose instance holds ``total`` device certificates: those of the defaults and the
    emulator's generated ones (--device-certificates); written once per bench run (about 5 s for 10,000)."""
    path = work_dir / ('devices-%d.json' % total)
    if not path.exists():
        generated = total - len(fixtures['instances'][INSTANCE]['device_certificates'])
        subprocess.run([sys.executable, str(EMULATOR), '--write-fixtures', str(path), '--device-certificates', str(generated)], check=True)
    return path


class Ansible:
    """ansible and ansible-playbook of this venv, with the collection, in a scratch directory (no stray ansible.cfg)."""

    def __init__(self, work_dir):
        self.bin_dir = os.path.dirname(sys.executable)
        self.cwd = str(work_dir)
        self.env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections_root()), ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0',
                        ANSIBLE_HOST_KEY_CHECKING='False', ANSIBLE_RETRY_FILES_ENABLED='False',
                        ANSIBLE_CALLBACK_PLUGINS=str(CALLBACKS), ANSIBLE_CALLBACKS_ENABLED='bench_timer')
        for name in ('ANSIBLE_CONFIG', 'ANSIBLE_FORKS', 'ANSIBLE_PIPELINING'):
            self.env.pop(name, None)
        self.inventory_vars = {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}

    def adhoc(self, module, args, expect=()):
        command = [os.path.join(self.bin_dir, 'ansible'), 'localhost', '-m', module, '-a', args,
                   '-e', 'ansible_python_interpreter=%s' % sys.executable]
        return run_measured(command, self.env, self.cwd, expect)

    def playbook(self, inventory, playbook, timer_file=None, returned=None):
        """``returned``: KEY:FIELD for bench_timer to keep of each task's result (and its cost, left out of its times)."""
        env = dict(self.env, BENCH_TIMER_FILE=str(timer_file)) if timer_file else self.env
        if returned:
            env = dict(env, BENCH_TIMER_RETURNED=returned)
        return run_measured([os.path.join(self.bin_dir, 'ansible-playbook'), '-i', str(inventory), str(playbook)], env, self.cwd)


def write_json(path, document):
    path.write_text(json.dumps(document, indent=1))
    return path


# --- the cases -----------------------------------------------------------------------------------------------


def case_adhoc(options, work_dir, fixtures, results):
    """`ansible localhost -m` with the module against the same GetCaCertificate by ansible.builtin.uri, unsigned."""
    emulator = Emulator(work_dir, fixtures, '--accept-unsigned')
    try:
        ansible = Ansible(work_dir)
        module_args = 'instance_id=%s sn=%s endpoint=%s access_key_id=%s access_key_secret=%s' % (INSTANCE, SN, emulator.url, KEY_ID, KEY_SECRET)
        uri_args = ('url=%s/?Action=GetCaCertificate&Version=2020-04-20&Format=JSON&MqttInstanceId=%s&Sn=%s return_content=true'
                    % (emulator.url, INSTANCE, SN))
        measured = interleaved({
            'module': lambda: ansible.adhoc(MODULE, module_args, expect=['SUCCESS', '"sn": "%s"' % SN]),
            'uri': lambda: ansible.adhoc('ansible.builtin.uri', uri_args, expect=['SUCCESS', '"Sn": "%s"' % SN, '"status": 200']),
        }, options.runs)
    finally:
        emulator.stop()
    results['adhoc.module'] = dict(benchlib.summarize([run.seconds for run in measured['module']]), unit='s',
                                   label='ansible localhost -m %s' % MODULE)
    results['adhoc.uri'] = dict(benchlib.summarize([run.seconds for run in measured['uri']]), unit='s',
                                label='ansible localhost -m ansible.builtin.uri (unsigned, --accept-unsigned)')


def bench_venv(cache_dir):
    """A venv with the official SDK (the pin of tests/unit/requirements.txt), and the same requests, cryptography and
    ansible-core as this venv, so that both lookup scripts run on the same interpreter and libraries."""
    from importlib import metadata  # pylint: disable=import-outside-toplevel
    sdk = next(line.split('#')[0].strip() for line in (REPO / 'tests' / 'unit' / 'requirements.txt').read_text().splitlines()
               if line.startswith('alibabacloud_onsmqtt20200420'))
    wanted = [sdk] + ['%s==%s' % (name, metadata.version(name)) for name in ('requests', 'cryptography', 'ansible-core')]
    python = getattr(sys, '_base_executable', sys.executable)
    venv = cache_dir / 'venvs' / ('bench-sdk-py%d.%d' % sys.version_info[:2])
    marker = venv / '.bench-ready'
    if not (marker.is_file() and marker.read_text() == ' '.join(wanted) + '\n' and (venv / 'bin' / 'python').exists()):
        print('creating %s with %s' % (venv, ' '.join(wanted)), flush=True)
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([python, '-m', 'venv', str(venv)], check=True)
        subprocess.run([str(venv / 'bin' / 'python'), '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check'] + wanted, check=True)
        marker.write_text(' '.join(wanted) + '\n')
    return venv / 'bin' / 'python'


def script_env():
    """The environment of the benchmark scripts: the emulator's keys for the default credential chain, the collection
    importable; the scripts find their libraries compiled (the SDK's by pip, ours by a warm-up run: .pyc written)."""
    env = dict(os.environ, ALIBABA_CLOUD_ACCESS_KEY_ID=KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET=KEY_SECRET, PYTHONPATH=str(collections_root()))
    for name in ('PYTHONDONTWRITEBYTECODE', 'VIRTUAL_ENV', 'ALIBABA_CLOUD_SECURITY_TOKEN'):
        env.pop(name, None)
    return env


def case_lookup(options, work_dir, fixtures, results):
    """Whole-process wall time and peak RSS of one lookup: our module_utils against the official SDK, same venv."""
    python = str(bench_venv(options.cache_dir))
    emulator = Emulator(work_dir, fixtures)
    env = script_env()
    arguments = [emulator.host_port, INSTANCE, SN]
    try:
        measured = interleaved({
            'module_utils': lambda: run_measured([python, str(HERE / 'lookup_module_utils.py')] + arguments, env, str(work_dir),
                                                 expect=['"sn": "%s"' % SN, '"signed_by_ca": true']),
            'sdk': lambda: run_measured([python, str(HERE / 'lookup_sdk.py')] + arguments, env, str(work_dir), expect=['"Sn": "%s"' % SN]),
        }, options.runs)
    finally:
        emulator.stop()
    for name, label in (('module_utils', 'lookup_module_utils.py: our module_utils, facts included'),
                        ('sdk', 'lookup_sdk.py: alibabacloud_onsmqtt20200420, the API answer only')):
        results['lookup.%s' % name] = dict(benchlib.summarize([run.seconds for run in measured[name]]), unit='s', label=label)
        results['lookup.%s.rss' % name] = dict(benchlib.summarize([run.max_rss_kib / 1024.0 for run in measured[name]]), unit='MiB',
                                               label=label + ' (peak RSS)')


def case_profile(options, work_dir, fixtures, results):
    """Where the time of one lookup goes: pyinstrument on lookup_module_utils.py (installed into the SDK's venv)."""
    python = str(bench_venv(options.cache_dir))
    if subprocess.run([python, '-c', 'import pyinstrument'], capture_output=True, check=False).returncode:
        subprocess.run([python, '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', PYINSTRUMENT], check=True)
    emulator = Emulator(work_dir, fixtures)
    env = script_env()
    report_file = work_dir / 'profile.txt'
    command = [python, '-m', 'pyinstrument', '--interval', '0.0005', '-r', 'text', '--no-color', '-o', str(report_file),
               str(HERE / 'lookup_module_utils.py'), emulator.host_port, INSTANCE, SN]
    try:
        run_measured(command, env, str(work_dir))  # compiles our module_utils, as the lookup case's warm-up does
        run_measured(command, env, str(work_dir))
    finally:
        emulator.stop()
    text = report_file.read_text()
    results['profile.text'] = text
    print(text)


def localhost_inventory(work_dir, ansible):
    path = work_dir / 'localhost.json'
    write_json(path, {'all': {'hosts': {'localhost': ansible.inventory_vars}}})
    return path


def module_task(emulator, sns):
    return {MODULE: {'instance_id': INSTANCE, 'sn': sns, 'endpoint': emulator.url, 'access_key_id': KEY_ID, 'access_key_secret': KEY_SECRET}}


def case_sns(options, work_dir, fixtures, results):
    """N SNs at 50 ms latency: one task with all of them against a loop: of single-SN tasks."""
    largest = max(options.sn_counts)
    emulator = Emulator(work_dir, with_copies(fixtures, largest), '--latency-ms', str(options.latency_ms))
    ansible = Ansible(work_dir)
    inventory = localhost_inventory(work_dir, ansible)
    try:
        for count in options.sn_counts:
            sns = ['bench-%04d' % number for number in range(count)]
            one_task = write_json(work_dir / ('sns-task-%d.json' % count), [{
                'name': 'one task', 'hosts': 'localhost', 'gather_facts': False,
                'tasks': [dict(module_task(emulator, sns), name='All SNs in one task')]}])
            loop = write_json(work_dir / ('sns-loop-%d.json' % count), [{
                'name': 'a loop', 'hosts': 'localhost', 'gather_facts': False,
                'tasks': [dict(module_task(emulator, ['{{ item }}']), name='One SN per loop item', loop=sns)]}])

            def played(name, playbook, count=count):
                emulator.reset()
                run = ansible.playbook(inventory, playbook)
                if emulator.request_count() != count:
                    raise SystemExit('%s with %d SNs sent %d requests' % (name, count, emulator.request_count()))
                return run
            runs = options.sn_runs if count <= 10 else options.slow_runs
            measured = interleaved({'task': lambda: played('task', one_task), 'loop': lambda: played('loop', loop)}, runs,
                                   warmups=1 if count <= 10 else 0)
            for name, label in (('task', 'one task with %d SNs'), ('loop', 'loop: over %d single-SN tasks')):
                results['sns.%s.%d' % (name, count)] = dict(benchlib.summarize([run.seconds for run in measured[name]]), unit='s',
                                                            label=(label % count) + ', %d ms latency (ansible-playbook wall)' % options.latency_ms)
            print('  sns %d done' % count, flush=True)
    finally:
        emulator.stop()


FILE_ACTIONS = ('ansible.builtin.stat', 'ansible.builtin.file', 'ansible.builtin.copy')


def file_work_seconds(timer):
    """Seconds the play spent in per-host stat/file/copy tasks: Ansible's own cost of the file work, from bench_timer."""
    return sum(task['seconds'] for task in timer if task['action'] in FILE_ACTIONS and task['hosts'] > 1)


def case_hosts(options, work_dir, fixtures, results):
    """The role over N local hosts; at the smaller counts also a baseline play writing the same files with plain tasks."""
    emulator = Emulator(work_dir, fixtures)
    ansible = Ansible(work_dir)
    owner, group = getpass.getuser(), grp.getgrgid(os.getgid()).gr_name
    devices = work_dir / 'devices'
    cas = dict((entry['data']['Sn'], entry['data']) for entry in fixtures['instances'][INSTANCE]['ca_certificates'])
    pems = [cas[sn]['CaContent'].replace('\r\n', '\n').strip() + '\n' for sn in HOST_SNS]
    dest = str(devices) + '/{{ inventory_hostname }}'
    role_play = write_json(work_dir / 'hosts-role.json', [{
        'name': 'The role', 'hosts': 'devices', 'gather_facts': False,
        'module_defaults': {'group/alibabacloud.apsaramq.apsaramq': {'endpoint': emulator.url, 'access_key_id': KEY_ID, 'access_key_secret': KEY_SECRET}},
        'roles': [{'role': 'alibabacloud.apsaramq.mqtt_ca', 'vars': {
            'mqtt_ca_instance_id': INSTANCE, 'mqtt_ca_sn': HOST_SNS, 'mqtt_ca_dest': dest, 'mqtt_ca_owner': owner, 'mqtt_ca_group': group}}],
    }])
    baseline_play = write_json(work_dir / 'hosts-baseline.json', [{
        'name': 'The same files with plain tasks', 'hosts': 'devices', 'gather_facts': False,
        'tasks': [
            {'name': 'Look at the destination directory', 'register': 'baseline_dest',
             'ansible.builtin.stat': {'path': dest, 'get_checksum': False, 'get_mime': False, 'get_attributes': False}},
            {'name': 'Create the destination directory', 'when': 'not baseline_dest.stat.exists',
             'ansible.builtin.file': {'path': dest, 'state': 'directory', 'owner': owner, 'group': group, 'mode': '0755'}},
            {'name': 'Write one PEM file per CA', 'loop': [{'sn': sn, 'pem': pem} for sn, pem in zip(HOST_SNS, pems)],
             'loop_control': {'label': '{{ item.sn }}'},
             'ansible.builtin.copy': {'content': '{{ item.pem }}', 'dest': dest + '/{{ item.sn }}.pem', 'owner': owner, 'group': group, 'mode': '0644'}},
        ],
    }])
    plays = {'role': role_play, 'baseline': baseline_play}
    timers = {}

    def fresh(dummy_name):
        shutil.rmtree(devices, ignore_errors=True)
        devices.mkdir()
        emulator.reset()

    def played(name, count, inventory, requests, file_work):
        timer_file = work_dir / ('timer-%s-%d.json' % (name, count))
        run = ansible.playbook(inventory, plays[name], timer_file)
        written = len(list(devices.glob('*/*.pem')))
        if written != count * len(HOST_SNS):
            raise SystemExit('%s over %d hosts wrote %d files' % (name, count, written))
        timer = json.loads(timer_file.read_text())
        timers['%s.%d' % (name, count)] = timer
        file_work[name].append(file_work_seconds(timer))
        if name == 'role':
            requests.append(emulator.request_count())
        return run

    try:
        for count, runs in zip(options.host_counts, options.host_runs):
            inventory = write_json(work_dir / ('hosts-%d.json' % count), {'devices': {
                'hosts': dict(('device-%04d' % number, None) for number in range(count)), 'vars': ansible.inventory_vars}})
            requests, file_work = [], dict((name, []) for name in plays)
            names = ['role', 'baseline'] if count in options.baseline_host_counts else ['role']
            measured = interleaved(dict((name, functools.partial(played, name, count, inventory, requests, file_work)) for name in names), runs,
                                   warmups=1 if count == options.host_counts[0] else 0, before_each=fresh)
            for name in names:
                label = 'the mqtt_ca role over %d hosts' if name == 'role' else 'plain stat/file/copy tasks over %d hosts'
                results['hosts.%s.%d' % (name, count)] = dict(benchlib.summarize([run.seconds for run in measured[name]]), unit='s',
                                                              label=label % count)
                results['hosts.%s.%d.file_work' % (name, count)] = dict(benchlib.summarize(file_work[name][-runs:]), unit='s',
                                                                        label='of which its stat/file/copy tasks')
            results['hosts.role.%d.requests' % count] = dict(benchlib.summarize(requests[-runs:]), unit='requests',
                                                             label='API requests of the role over %d hosts' % count)
            print('  hosts %d done' % count, flush=True)
    finally:
        emulator.stop()
    results['hosts.timers'] = timers


def one_task_play(work_dir, name, task):
    return write_json(work_dir / ('%s.json' % name), [{'name': name, 'hosts': 'localhost', 'gather_facts': False, 'tasks': [task]}])


def device_connection(emulator):
    return {'instance_id': INSTANCE, 'endpoint': emulator.url, 'access_key_id': KEY_ID, 'access_key_secret': KEY_SECRET}


def summary(samples, unit, label):
    return dict(benchlib.summarize(samples), unit=unit, label=label)


STEP_SCRIPTS = {'module': 'module_timed.py, the module', 'module_utils': 'audit_module_utils.py step'}


def case_audit(options, work_dir, fixtures, results):
    """N device certificates at 50 ms latency: one audit task against the SDK's page loop, then the full listing taken apart."""
    count, latency = options.device_count, options.latency_ms
    emulator = Emulator(work_dir, device_fixtures(work_dir, fixtures, count), '--latency-ms', str(latency))
    ansible = Ansible(work_dir)
    inventory = localhost_inventory(work_dir, ansible)
    env = script_env()
    audit_args = dict(device_connection(emulator), expires_within_days=EXPIRES_WITHIN_DAYS)
    plays = {'audit': one_task_play(work_dir, 'audit', {'name': 'The devices that expire within %d days' % EXPIRES_WITHIN_DAYS,
                                                        DEVICE_INFO_MODULE: audit_args}),
             'listing': one_task_play(work_dir, 'listing', {'name': 'Every device', DEVICE_INFO_MODULE: device_connection(emulator)})}
    module_path = REPO / 'plugins' / 'modules' / (DEVICE_INFO_MODULE.rsplit('.', 1)[1] + '.py')
    module_args = {'audit': write_json(work_dir / 'audit-args.json', {'ANSIBLE_MODULE_ARGS': audit_args}),
                   'listing': write_json(work_dir / 'listing-args.json', {'ANSIBLE_MODULE_ARGS': device_connection(emulator)})}
    returned, task_seconds, requests, steps = {}, {}, {}, {}

    def counted(name, run):
        requests.setdefault(name, []).append(emulator.request_count())
        return run

    def task(play):
        """ansible-playbook with the one task; the wall time without what bench_timer's copy of the result cost."""
        timer_file = work_dir / ('timer-%s.json' % play)
        run = ansible.playbook(inventory, plays[play], timer_file, returned='device_certificates:device_sn')
        timed, = json.loads(timer_file.read_text())
        run.seconds -= timed['returned_seconds']
        returned.setdefault(play + '.task', []).append(timed['returned'])
        task_seconds.setdefault(play, []).append(timed['seconds'])
        return counted(play + '.task', run)

    def sdk():
        run = run_measured([sys.executable, str(HERE / 'audit_sdk.py'), emulator.host_port, INSTANCE, str(EXPIRES_WITHIN_DAYS)], env, str(work_dir))
        returned.setdefault('audit.sdk', []).append(json.loads(run.stdout))
        return counted('audit.sdk', run)

    def module(play):
        """The module run by itself (no AnsiballZ), timed up to exit_json and in it."""
        run = run_measured([sys.executable, str(HERE / 'module_timed.py'), str(module_path), str(module_args[play])], env, str(work_dir),
                           expect=['"device_certificates": ['])
        for part, seconds in json.loads(run.stderr).items():
            steps.setdefault((play, 'module', part), []).append(seconds)
        returned.setdefault(play + '.module', []).append([device['device_sn'] for device in json.loads(run.stdout)['device_certificates']])
        return counted(play + '.module', run)

    def module_utils(play):
        days = [str(EXPIRES_WITHIN_DAYS)] if play == 'audit' else []
        run = run_measured([sys.executable, str(HERE / 'audit_module_utils.py'), emulator.host_port, INSTANCE] + days, env, str(work_dir))
        answer = json.loads(run.stdout)
        for step, seconds in answer['seconds'].items():
            steps.setdefault((play, 'module_utils', step), []).append(seconds)
        steps.setdefault((play, 'module_utils', 'json_bytes'), []).append(answer['json_bytes'])
        returned.setdefault(play + '.module_utils', []).append(answer['count'])  # how many: the SNs are the module's
        return counted(play + '.module_utils', run)

    try:
        audit = interleaved({'task': lambda: task('audit'), 'sdk': sdk}, options.audit_runs, before_each=lambda name: emulator.reset())
        print('  audit done', flush=True)
        apart = interleaved(dict((name, functools.partial(runner, play)) for name, runner, play in (
            ('listing.task', task, 'listing'), ('listing.module', module, 'listing'), ('listing.module_utils', module_utils, 'listing'),
            ('audit.module', module, 'audit'), ('audit.module_utils', module_utils, 'audit'))),
            options.listing_runs, before_each=lambda name: emulator.reset())
    finally:
        emulator.stop()
    where = '%d device certificates, %d ms latency' % (count, latency)
    results['audit.task'] = summary([run.seconds for run in audit['task']], 's', 'one audit task, expires_within_days: %d, %s (ansible-playbook wall)'
                                    % (EXPIRES_WITHIN_DAYS, where))
    results['audit.task.task'] = summary(task_seconds['audit'][-options.audit_runs:], 's', 'of which the task (bench_timer)')
    results['audit.sdk'] = summary([run.seconds for run in audit['sdk']], 's', 'audit_sdk.py: the official SDK, one page after the other, '
                                   'filtering the same way (whole process)')
    results['audit.module'] = summary([run.seconds for run in apart['audit.module']], 's', 'the audit module run by itself (whole process)')
    results['listing.task'] = summary([run.seconds for run in apart['listing.task']], 's', 'one task listing all %s (ansible-playbook wall)' % where)
    results['listing.task.task'] = summary(task_seconds['listing'][-options.listing_runs:], 's', 'of which the task (bench_timer)')
    results['listing.module'] = summary([run.seconds for run in apart['listing.module']], 's', 'the listing module run by itself (whole process)')
    for (play, runner, step), samples in sorted(steps.items()):
        unit, what = ('bytes', 'the JSON the module prints') if step == 'json_bytes' else ('s', '%s: %s' % (STEP_SCRIPTS[runner], step))
        results['%s.%s.%s' % (play, runner, step)] = summary(samples[-options.listing_runs:], unit, what + (' (%s)' % play))
    for name, samples in sorted(requests.items()):
        results['%s.requests' % name] = summary(samples, 'requests', 'API requests of one run (warm-up included)')
    reference = returned['audit.sdk'][0]
    differences = [benchlib.first_difference(reference, sns) for name in ('audit.task', 'audit.sdk', 'audit.module') for sns in returned[name]]
    results['audit.same_sns'] = {'certificates': len(reference), 'runs': len(differences), 'differing': [text for text in differences if text]}
    results['listing.returned'] = sorted(set([len(sns) for name in ('listing.task', 'listing.module') for sns in returned[name]]
                                             + returned['listing.module_utils']))


def case_poll(options, work_dir, fixtures, results):
    """The event source's polls of growing fleets, each fleet in an emulator of its own, one process: the first poll, the
    unchanged ones (median), the state file written after each, the process's peak RSS. With --poll-before, the same
    polls through the collection tree given (the code before issue 21: no state file there), as ``poll.before.*``."""
    trees = [('poll', collections_root(), options.poll_runs)]
    if options.poll_before:
        trees.append(('poll.before', options.poll_before, 1))
    for count in options.poll_fleets:
        emulator = Emulator(work_dir, device_fixtures(work_dir, fixtures, count))
        try:
            for prefix, tree, runs in trees:
                poll_fleet(work_dir, emulator, count, prefix, tree, runs, results)
        finally:
            emulator.stop()


def poll_fleet(work_dir, emulator, count, prefix, tree, runs, results):
    state_file = work_dir / 'poll-state.json'
    command = [sys.executable, str(HERE / 'event_source_poll.py'), emulator.host_port, INSTANCE, str(runs + 1)]
    try:
        run = run_measured(command + ([] if prefix == 'poll.before' else [str(state_file)]), dict(script_env(), PYTHONPATH=str(tree)),
                           str(work_dir), expect=['"devices": %d' % count])
    finally:
        if state_file.exists():
            state_file.unlink()
    polled = json.loads(run.stdout)
    label = '%d device certificates%s' % (count, ' (before)' if prefix == 'poll.before' else '')
    results['%s.first.%d' % (prefix, count)] = dict(benchlib.summarize(polled['seconds'][:1]), unit='s', label=label + ': the first poll')
    results['%s.unchanged.%d' % (prefix, count)] = dict(benchlib.summarize(polled['seconds'][1:]), unit='s', label=label + ': a poll, nothing changed')
    cpu_label = ', CPU time of the source'
    results['%s.first_cpu.%d' % (prefix, count)] = dict(benchlib.summarize(polled['cpu_seconds'][:1]), unit='s', label=label + ': the first poll' + cpu_label)
    results['%s.unchanged_cpu.%d' % (prefix, count)] = dict(benchlib.summarize(polled['cpu_seconds'][1:]), unit='s',
                                                            label=label + ': a poll, nothing changed' + cpu_label)
    if polled['state_seconds']:
        results['%s.state.%d' % (prefix, count)] = dict(benchlib.summarize(polled['state_seconds']), unit='s', label=label + ': the state file written')
    results['%s.rss.%d' % (prefix, count)] = dict(benchlib.summarize([run.max_rss_kib / 1024.0]), unit='MiB', label=label + ': peak RSS of the process')


def poll_checks(results, options):
    """Poll time and peak RSS at POLL_TARGET_DEVICES by the slopes between the smallest and largest fleets measured, and the
    largest fleet whose unchanged poll and state file fit in POLL_INTERVAL_SECONDS.

    The poll's cost to the source is its CPU time: its wall time here is mostly the emulator's, on the same cores, which
    copies the whole fleet for each page it answers (a cost that grows with the square of the fleet, and no service's).
    Both are reported; the checks hold the source's."""
    small, large = options.poll_fleets[0], options.poll_fleets[-1]

    def at(key, count=POLL_TARGET_DEVICES):
        rate = benchlib.slope(small, results['%s.%d' % (key, small)], large, results['%s.%d' % (key, large)])
        return results['%s.%d' % (key, large)]['median'] + rate * (count - large), rate

    cpu, cpu_rate = at('poll.unchanged_cpu')
    state, state_rate = at('poll.state')
    rss, rss_rate = at('poll.rss')
    fixed = results['poll.unchanged_cpu.%d' % large]['median'] + results['poll.state.%d' % large]['median'] - (cpu_rate + state_rate) * large
    # A time that did not grow between the fleets is noise (a busy machine): nothing to extrapolate, the check misses.
    largest = int((POLL_INTERVAL_SECONDS - fixed) / (cpu_rate + state_rate)) if cpu_rate + state_rate > 0 else 0
    results['poll.slopes'] = {'from': small, 'to': large, 'cpu_ms_per_1000': cpu_rate * 1e6, 'state_ms_per_1000': state_rate * 1e6,
                              'rss_mib_per_1000': rss_rate * 1000, 'wall_ms_per_1000': at('poll.unchanged')[1] * 1e6,
                              'at_target': {'devices': POLL_TARGET_DEVICES, 'first_cpu': at('poll.first_cpu')[0], 'cpu': cpu, 'state': state,
                                            'wall': at('poll.unchanged')[0], 'rss_mib': rss},
                              'largest_fleet_at_interval': largest}
    detail = 'by the slopes from %d to %d devices' % (small, large)
    return [
        benchlib.Check('the source\'s CPU time for an unchanged poll of %d devices and its state file, s' % POLL_TARGET_DEVICES, cpu + state,
                       benchlib.LESS_OR_EQUAL, POLL_INTERVAL_SECONDS, detail),
        benchlib.Check('peak RSS of the source at %d devices, MiB' % POLL_TARGET_DEVICES, rss, benchlib.LESS_OR_EQUAL, POLL_MAX_RSS_MIB, detail),
        benchlib.Check('the largest fleet whose unchanged poll and state file take the source under %d s' % POLL_INTERVAL_SECONDS, largest,
                       benchlib.GREATER_OR_EQUAL, POLL_TARGET_DEVICES, detail),
    ]


def case_inactivate(options, work_dir, fixtures, results):
    """N devices of one CA inactivated by one task, and by a loop: of single-device tasks; each run from the fixtures' state."""
    count = options.inactivate_count
    path = device_fixtures(work_dir, fixtures, options.device_count)
    devices = json.loads(path.read_text())['instances'][INSTANCE]['device_certificates']
    try:
        device_sns = benchlib.devices_in_status([device['data'] for device in devices], DEVICE_CA_SN, '1', int(time.time() * 1000), count)
    except ValueError as exc:
        raise SystemExit('--inactivate-count %d: %s' % (count, exc)) from None
    emulator = Emulator(work_dir, path, '--latency-ms', str(options.latency_ms))
    ansible = Ansible(work_dir)
    inventory = localhost_inventory(work_dir, ansible)
    args = dict(device_connection(emulator), ca_sn=DEVICE_CA_SN, status='inactive')
    plays = {'task': one_task_play(work_dir, 'inactivate-task', {'name': 'Lock out %d devices' % count,
                                                                 DEVICE_MODULE: dict(args, device_sn=device_sns)}),
             'loop': one_task_play(work_dir, 'inactivate-loop', {'name': 'Lock out one device per loop item', 'loop': device_sns,
                                                                 DEVICE_MODULE: dict(args, device_sn=['{{ item }}'])})}
    expected = {'GetDeviceCertificate': count, 'InactivateDeviceCertificate': count}

    def played(name):
        run = ansible.playbook(inventory, plays[name])
        actions = benchlib.action_counts(emulator.requests())
        if actions != expected:
            raise SystemExit('inactivating %d devices by %s sent %s, not %s' % (count, name, actions, expected))
        return run
    try:
        measured = interleaved({'task': lambda: played('task'), 'loop': lambda: played('loop')}, options.inactivate_runs, warmups=0,
                               before_each=lambda name: emulator.reset())
    finally:
        emulator.stop()
    results['inactivate.count'] = count
    for name, label in (('task', 'one task inactivating %d devices'), ('loop', 'loop: over %d single-device tasks')):
        results['inactivate.%s' % name] = summary([run.seconds for run in measured[name]], 's', (label % count)
                                                  + ', %d ms latency (ansible-playbook wall)' % options.latency_ms)


# --- the checks and the report -----------------------------------------------------------------------------------


def device_breakdown(results):
    """Where the time of the full listing goes (seconds): outside the task (ansible-playbook's start and end), the module
    run by itself and its steps, the controller's share of the task (the task less the module); and Ansible's handling
    of the result (the module's exit_json and the controller's share) per returned certificate, in milliseconds, from
    its growth between the audit (few returned) and the full listing. Each part at its fastest run: on this emulator a
    run can lose a second to a dropped connection attempt (see README.md), an additive delay that a median may keep."""
    def fastest(key):
        return results[key]['min']
    controller = fastest('listing.task.task') - fastest('listing.module')
    audit_controller = fastest('audit.task.task') - fastest('audit.module')
    returned = results['listing.returned'][-1]
    handling = benchlib.slope(results['audit.same_sns']['certificates'], audit_controller + fastest('audit.module.exit_json'),
                              returned, controller + fastest('listing.module.exit_json'))
    return {
        'wall': fastest('listing.task'), 'outside_task': fastest('listing.task') - fastest('listing.task.task'),
        'task': fastest('listing.task.task'), 'module': fastest('listing.module'), 'requests': fastest('listing.module.requests'),
        'listing': fastest('listing.module_utils.listing'), 'describing': fastest('listing.module_utils.describing'),
        'exit_json': fastest('listing.module.exit_json'), 'json_bytes': fastest('listing.module_utils.json_bytes'),
        'controller': controller, 'audit_controller': audit_controller, 'returned': returned, 'handling_ms_per_certificate': 1000 * handling,
    }


def checks_of(results, options):
    checks = []
    if 'adhoc.module' in results:
        checks.append(benchlib.Check('module task vs ansible.builtin.uri task, wall', benchlib.ratio(results['adhoc.module'], results['adhoc.uri']),
                                     benchlib.LESS_OR_EQUAL, MODULE_VS_URI_WALL, 'medians of `ansible localhost -m`'))
    if 'lookup.module_utils' in results:
        checks.append(benchlib.Check('our lookup vs the official SDK, wall', benchlib.ratio(results['lookup.module_utils'], results['lookup.sdk']),
                                     benchlib.LESS_OR_EQUAL, LOOKUP_VS_SDK_WALL, 'whole process'))
        checks.append(benchlib.Check('our lookup vs the official SDK, peak RSS',
                                     benchlib.ratio(results['lookup.module_utils.rss'], results['lookup.sdk.rss']),
                                     benchlib.LESS_OR_EQUAL, LOOKUP_VS_SDK_RSS, 'whole process'))
    if 'sns.task.100' in results:
        checks.append(benchlib.Check('loop of 100 single-SN tasks vs one task with 100 SNs, wall',
                                     benchlib.ratio(results['sns.loop.100'], results['sns.task.100']), benchlib.GREATER_OR_EQUAL,
                                     ONE_TASK_VS_LOOP_AT_100, '%d ms latency' % options.latency_ms))
    counts = [count for count in options.host_counts if 'hosts.role.%d' % count in results]
    if len(counts) >= 2:
        requests = sorted(set(value for count in counts for value in results['hosts.role.%d.requests' % count]['samples']))
        checks.append(benchlib.Check('API requests of the role, %s hosts' % ' / '.join(map(str, counts)), requests, benchlib.EQUAL,
                                     [len(HOST_SNS)], 'one per SN, whatever the host count'))
        small, large = counts[0], counts[-1]
        role = benchlib.slope(small, results['hosts.role.%d' % small], large, results['hosts.role.%d' % large])
        file_work = benchlib.slope(small, results['hosts.role.%d.file_work' % small], large, results['hosts.role.%d.file_work' % large])
        slopes = {'from': small, 'to': large, 'role': role, 'role_file_work': file_work}
        baseline_counts = [count for count in counts if 'hosts.baseline.%d' % count in results]
        if len(baseline_counts) >= 2:
            slopes['baseline_from'], slopes['baseline_to'] = baseline_counts[0], baseline_counts[-1]
            slopes['baseline'] = benchlib.slope(baseline_counts[0], results['hosts.baseline.%d' % baseline_counts[0]],
                                                baseline_counts[-1], results['hosts.baseline.%d' % baseline_counts[-1]])
        results['hosts.slopes'] = slopes
        checks.append(benchlib.Check('per-host slope of the role vs Ansible\'s own stat/file/copy tasks in it, %d to %d hosts' % (small, large),
                                     role / file_work, benchlib.LESS_OR_EQUAL, ROLE_SLOPE_VS_FILE_WORK,
                                     'role %.3f s/host, its file tasks %.3f s/host' % (role, file_work)))
    if 'audit.task' in results:
        same = results['audit.same_sns']
        checks.append(benchlib.Check('the official SDK\'s page loop vs one audit task (expires_within_days: %d), wall' % EXPIRES_WITHIN_DAYS,
                                     benchlib.ratio(results['audit.sdk'], results['audit.task']), benchlib.GREATER_OR_EQUAL, SDK_LOOP_VS_AUDIT_TASK,
                                     '%d device certificates, %d ms latency, %d returned' % (options.device_count, options.latency_ms,
                                                                                             same['certificates'])))
        checks.append(benchlib.Check('runs of the audit task, the module and the SDK script whose device SNs differ from the SDK\'s first run',
                                     len(same['differing']), benchlib.EQUAL, 0,
                                     same['differing'][0] if same['differing'] else 'the same %d SNs in the same order in %d runs'
                                     % (same['certificates'], same['runs'])))
        checks.append(benchlib.Check('device certificates returned by the full listing (task, module, module_utils)', results['listing.returned'],
                                     benchlib.EQUAL, [options.device_count], 'every run'))
        results['devices.breakdown'] = device_breakdown(results)
    if all('poll.unchanged.%d' % count in results for count in options.poll_fleets) and len(options.poll_fleets) >= 2:
        checks.extend(poll_checks(results, options))
    return checks


def report(results, checks):
    rows = []
    for key, value in results.items():
        if isinstance(value, dict) and 'median' in value:
            spread = '%s..%s' % (benchlib.format_number(value['min']), benchlib.format_number(value['max'])) if value['runs'] > 1 else '(1 run)'
            rows.append([key, value['median'], spread, value['runs'], value['unit'], value['label']])
    if rows:
        print()
        print(benchlib.format_table(['case', 'median', 'min..max', 'runs', 'unit', 'what'], rows))
    slopes = results.get('hosts.slopes')
    if slopes:
        line = 'per-host slopes, %d to %d hosts: the role %.3f s/host, its stat/file/copy tasks %.3f s/host' % (
            slopes['from'], slopes['to'], slopes['role'], slopes['role_file_work'])
        if 'baseline' in slopes:
            line += '; plain tasks play %.3f s/host (%d to %d hosts)' % (slopes['baseline'], slopes['baseline_from'], slopes['baseline_to'])
        print('\n' + line)
    breakdown = results.get('devices.breakdown')
    if breakdown:
        breakdown = dict(breakdown, json_mib=breakdown['json_bytes'] / 1048576.0)
        print('\nfull listing of %(returned)d device certificates, fastest runs: %(wall).2f s = %(outside_task).2f s ansible-playbook outside the '
              'task + the task %(task).2f s;\n  the task = the module by itself %(module).2f s + the controller %(controller).2f s (%(audit_controller).2f s '
              'when the audit returns few);\n  in the module: listing %(requests)d requests %(listing).2f s, describing %(describing).2f s, exit_json '
              '%(exit_json).2f s for %(json_mib).1f MiB of JSON;\n  Ansible\'s handling of the result (exit_json and the controller): '
              '%(handling_ms_per_certificate).3f ms per returned certificate' % breakdown)
    poll = results.get('poll.slopes')
    if poll:
        print('\nevent source polls, slopes from %(from)d to %(to)d devices, per 1,000 devices: the source\'s CPU time %(cpu_ms_per_1000).1f ms '
              'a poll, the state file %(state_ms_per_1000).1f ms, peak RSS %(rss_mib_per_1000).2f MiB; wall time with the emulator '
              '%(wall_ms_per_1000).1f ms;' % poll)
        print('  at %(devices)d devices: the source\'s CPU time for the first poll %(first_cpu).0f s, for an unchanged one %(cpu).0f s, '
              'the state file %(state).0f s, peak RSS %(rss_mib).0f MiB (wall time with this emulator: %(wall).0f s)' % poll['at_target'])
        print('  the largest fleet whose unchanged poll and state file take the source under %d s: %d devices'
              % (POLL_INTERVAL_SECONDS, poll['largest_fleet_at_interval']))
    if 'inactivate.task' in results:
        print('\ninactivating %d devices: one task %.1f s, a loop: %.1f s, %.1f x' % (
            results['inactivate.count'], results['inactivate.task']['median'], results['inactivate.loop']['median'],
            benchlib.ratio(results['inactivate.loop'], results['inactivate.task'])))
    print()
    for check in checks:
        print(check.line())


def machine():
    from importlib import metadata  # pylint: disable=import-outside-toplevel
    return {'cpus': os.cpu_count(), 'python': platform.python_version(), 'platform': platform.platform(),
            'ansible-core': metadata.version('ansible-core'), 'requests': metadata.version('requests'),
            'cryptography': metadata.version('cryptography'), 'load_average_at_start': os.getloadavg()}


def parse_options(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--only', default=','.join(CASES),
                        help='comma-separated cases among %s (default: all but profile)' % ', '.join(CASES + EXTRA_CASES))
    parser.add_argument('--runs', type=int, default=15, help='measured runs of the adhoc and lookup cases, after one warm-up (default 15)')
    parser.add_argument('--sn-runs', type=int, default=5, help='measured runs of the sns cases up to 10 SNs (default 5)')
    parser.add_argument('--slow-runs', type=int, default=3, help='runs of the sns cases with 100 SNs (default 3)')
    parser.add_argument('--sn-counts', default='1,10,100')
    parser.add_argument('--latency-ms', type=int, default=50)
    parser.add_argument('--host-counts', default='10,100,500')
    parser.add_argument('--host-runs', default='3,2,1', help='runs per host count (default 3,2,1)')
    parser.add_argument('--baseline-host-counts', help='host counts that also run the baseline play (default: all but the largest)')
    parser.add_argument('--device-count', type=int, default=10000, help='device certificates of the instance in the audit and inactivate '
                        'cases (default 10000)')
    parser.add_argument('--audit-runs', type=int, default=5, help='runs of the audit task and the SDK script (default 5)')
    parser.add_argument('--listing-runs', type=int, default=5, help='runs of the full listing and of its parts (default 5)')
    parser.add_argument('--inactivate-count', type=int, default=1000, help='devices inactivated in the inactivate case (default 1000)')
    parser.add_argument('--inactivate-runs', type=int, default=1, help='runs of the one task and of the loop: (default 1)')
    parser.add_argument('--poll-fleets', default='10000,50000,100000', help='device certificates of the poll case\'s fleets (default '
                        '10000,50000,100000; at most 100000, the emulator\'s)')
    parser.add_argument('--poll-runs', type=int, default=3, help='unchanged polls after the first, per fleet (default 3)')
    parser.add_argument('--poll-before', type=pathlib.Path, help='a collections root (DIR/ansible_collections/alibabacloud/apsaramq) '
                        'whose event source the poll case measures too, one unchanged poll per fleet: the code before issue 21')
    parser.add_argument('--quick', action='store_true', help='fewer runs, 10 and 50 hosts, 1,000 device certificates, 50 devices '
                        'inactivated, fleets of 1,000 and 5,000 polled: to try the script, not to measure')
    parser.add_argument('--json', type=pathlib.Path, help='where to write the results (default: JSON_DIR/bench-DATE.json)')
    parser.add_argument('--json-dir', type=pathlib.Path, default=REPO / 'tests' / 'benchmarks' / 'results',
                        help='directory for bench-DATE.json (default: tests/benchmarks/results of this tree)')
    parser.add_argument('--cache-dir', type=pathlib.Path, help="the repository's .cache, for the SDK's venv")
    options = parser.parse_args(argv)
    options.only = [case for case in options.only.split(',') if case]
    unknown = set(options.only) - set(CASES + EXTRA_CASES)
    if unknown:
        parser.error('unknown case(s): %s' % ', '.join(sorted(unknown)))
    if options.quick:
        options.runs, options.sn_runs, options.slow_runs, options.host_counts, options.host_runs = 3, 1, 1, '10,50', '1,1'
        options.device_count, options.audit_runs, options.listing_runs, options.inactivate_count = 1000, 2, 1, 50
        options.poll_fleets, options.poll_runs = '1000,5000', 2
    options.sn_counts = [int(count) for count in options.sn_counts.split(',')]
    options.poll_fleets = sorted(int(count) for count in options.poll_fleets.split(','))
    options.host_counts = [int(count) for count in options.host_counts.split(',')]
    options.host_runs = [int(count) for count in options.host_runs.split(',')]
    if len(options.host_runs) != len(options.host_counts):
        parser.error('--host-runs needs one number per host count')
    options.baseline_host_counts = ([int(count) for count in options.baseline_host_counts.split(',')] if options.baseline_host_counts
                                    else options.host_counts[:-1])
    options.cache_dir = (options.cache_dir or default_cache_dir()).resolve()
    return options


def main(argv=None):
    options = parse_options(argv)
    started = time.monotonic()
    results = {}
    document = {'date': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'), 'machine': machine(),
                'options': {'cases': options.only, 'runs': options.runs, 'sn_runs': options.sn_runs, 'slow_runs': options.slow_runs,
                            'sn_counts': options.sn_counts, 'latency_ms': options.latency_ms, 'host_counts': options.host_counts,
                            'host_runs': options.host_runs, 'baseline_host_counts': options.baseline_host_counts,
                            'host_sns': HOST_SNS, 'device_count': options.device_count, 'audit_runs': options.audit_runs,
                            'listing_runs': options.listing_runs, 'inactivate_count': options.inactivate_count,
                            'inactivate_runs': options.inactivate_runs, 'poll_fleets': options.poll_fleets, 'poll_runs': options.poll_runs,
                            'quick': options.quick},
                'results': results}
    with tempfile.TemporaryDirectory(prefix='apsaramq-bench.') as work:
        work_dir = pathlib.Path(work)
        fixtures = default_fixtures(work_dir)
        for case in CASES + EXTRA_CASES:
            if case in options.only:
                print('%s ...' % case, flush=True)
                case_started = time.monotonic()
                globals()['case_' + case](options, work_dir, fixtures, results)
                print('%s: %.0f s' % (case, time.monotonic() - case_started), flush=True)
    checks = checks_of(results, options)
    document['checks'] = [check.as_dict() for check in checks]
    document['missed'] = benchlib.missed(checks)
    document['seconds'] = round(time.monotonic() - started)
    report(results, checks)
    path = options.json or options.json_dir / ('bench-%s%s.json' % (document['date'][:10], '-quick' if options.quick else ''))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json(path, document)
    print('\nresults: %s (%.0f s)' % (path, document['seconds']))
    if document['missed']:
        raise SystemExit('missed: ' + '; '.join(document['missed']))


if __name__ == '__main__':
    main()
