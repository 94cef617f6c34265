# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fleet-scale measurements of issue 3, against the emulator on loopback.

1. The mqtt_ca role over HOSTS local hosts makes exactly one API request per SN.
2. SN_COUNT SNs with LATENCY_MS emulator latency: one module run with the default
   max_concurrency against the same run with max_concurrency=1 (a sequential client).

Run it in the test venv with the collection importable, as `make bench-fleet` does:
    python tests/benchmarks/fleet_scale.py [--hosts 200] [--sns 100] [--latency-ms 50]
Exits non-zero when a target is missed.
"""

import argparse
import getpass
import grp
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

from ansible_collections.alibabacloud.apsaramq.plugins.modules import mqtt_ca_certificate_info

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench import INSTANCE, Emulator, default_fixtures, with_copies  # noqa: E402  pylint: disable=wrong-import-position

MODULE = pathlib.Path(mqtt_ca_certificate_info.__file__)
COLLECTIONS_ROOT = MODULE.parents[5]
KEYS = {'access_key_id': 'emulator-access-key-id', 'access_key_secret': 'emulator-access-key-secret'}
ACTIVE_SNS = ['00e0a1c0ffee000001', '00e0a1c0ffee000002', '00e0a1c0ffee000006']


def role_over_hosts(work_dir, fixtures, hosts):
    emulator = Emulator(work_dir, fixtures)
    try:
        inventory = {'devices': {
            'hosts': dict(('device-%04d' % number, None) for number in range(hosts)),
            'vars': {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}}}
        (work_dir / 'inventory.json').write_text(json.dumps(inventory))
        playbook = [{
            'name': 'Put the CAs on every host', 'hosts': 'devices', 'gather_facts': False,
            'module_defaults': {'group/alibabacloud.apsaramq.apsaramq': dict(KEYS, endpoint=emulator.url)},
            'roles': [{'role': 'alibabacloud.apsaramq.mqtt_ca', 'vars': {
                'mqtt_ca_instance_id': INSTANCE, 'mqtt_ca_sn': ACTIVE_SNS,
                'mqtt_ca_dest': str(work_dir / 'devices') + '/{{ inventory_hostname }}',
                'mqtt_ca_owner': getpass.getuser(), 'mqtt_ca_group': grp.getgrgid(os.getgid()).gr_name}}],
        }]
        (work_dir / 'playbook.json').write_text(json.dumps(playbook))
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_ROOT), ANSIBLE_FORKS='10')
        started = time.monotonic()
        play = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', str(work_dir / 'inventory.json'),
                               str(work_dir / 'playbook.json')], capture_output=True, text=True, check=False, env=env)
        seconds = time.monotonic() - started
        if play.returncode:
            raise SystemExit('the play failed:\n' + play.stdout[-3000:] + play.stderr[-3000:])
        return seconds, emulator.request_count()
    finally:
        emulator.stop()


def module_run_seconds(emulator, sns, max_concurrency=None):
    """Wall time of one module run; None leaves max_concurrency at the module's default."""
    args = dict(KEYS, instance_id=INSTANCE, endpoint=emulator.url, sn=sns)
    if max_concurrency is not None:
        args['max_concurrency'] = max_concurrency
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    started = time.monotonic()
    process = subprocess.run([sys.executable, str(MODULE)], input=json.dumps({'ANSIBLE_MODULE_ARGS': args}),
                             capture_output=True, text=True, check=False, env=env)
    elapsed = time.monotonic() - started
    result = json.loads(process.stdout)
    if result.get('failed') or len(result['certificates']) != len(sns):
        raise SystemExit('the module failed: %s' % result.get('msg'))
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--hosts', type=int, default=200)
    parser.add_argument('--sns', type=int, default=100)
    parser.add_argument('--latency-ms', type=int, default=50)
    options = parser.parse_args()
    missed = []
    with tempfile.TemporaryDirectory() as work:
        work_dir = pathlib.Path(work)
        fixtures = default_fixtures(work_dir)

        seconds, requests = role_over_hosts(work_dir, fixtures, options.hosts)
        print('role over %d hosts: %d API requests for %d SNs, %.1f s' % (options.hosts, requests, len(ACTIVE_SNS), seconds))
        if requests != len(ACTIVE_SNS):
            missed.append('one request per SN')

        emulator = Emulator(work_dir, with_copies(fixtures, options.sns), '--latency-ms', str(options.latency_ms))
        try:
            sns = ['bench-%04d' % number for number in range(options.sns)]
            concurrent = module_run_seconds(emulator, sns)
            sequential = module_run_seconds(emulator, sns, 1)
        finally:
            emulator.stop()
        print('%d SNs at %d ms latency: %.2f s with the default max_concurrency, %.2f s with max_concurrency=1 (%.1fx)'
              % (options.sns, options.latency_ms, concurrent, sequential, sequential / concurrent))
        if concurrent >= 1.0:
            missed.append('100 SNs in under 1 s')
    if missed:
        raise SystemExit('missed: ' + ', '.join(missed))


if __name__ == '__main__':
    main()
