# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026, alibabacloud.apsaramq contributors
"""Soak: many sequential runs of mqtt_ca_certificate_info against an emulator that faults a share of its answers at random.

Each run looks up one SN (the default) or many (--sns) with up to --max-concurrency requests in flight over kept-alive
connections. Every run must end in success or in a clean failure (one JSON document, a one-line msg, no traceback) within
a hard limit, the emulator must never see a nonce twice, and the requests it saw must equal the runs' request_attempts.
With --devices N, each run is a bulk write instead: mqtt_device_certificate brings N device certificates alternately to
inactive and active, the answers of its writes faulted too (--write-faults); then every device that needed a write must
be reported changed or failed, never skipped, and what a run reports changed must be what the service holds.
Exits 0 when all of that holds. See FAULT_SOAK.md next to this file.

Run with the collection importable, e.g.:  PYTHONPATH=/path/to/collections python3 tests/benchmarks/fault_soak.py
"""

import argparse
import collections
import json
import math
import os
import pathlib
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from ansible_collections.alibabacloud.apsaramq.plugins.modules import mqtt_ca_certificate_info, mqtt_device_certificate

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench import INSTANCE, SN, default_fixtures, with_copies  # noqa: E402  pylint: disable=wrong-import-position

EMULATOR = pathlib.Path(__file__).resolve().parents[1] / 'emulator' / 'onsmqtt_emulator.py'
MODULE = mqtt_ca_certificate_info.__file__.replace('.pyc', '.py')
DEVICE_MODULE = mqtt_device_certificate.__file__.replace('.pyc', '.py')
FAULT_KINDS = ('throttling', 'overflow', 'unavailable', 'drop', 'stall', 'truncated', 'html')
# --devices: the CA whose bulk devices are written; --device-certificates gives it one in four of the fleet, one in five of them inactive.
DEVICE_CA = '00e0a1c0ffee000002'
WRITES = {'inactive': 'InactivateDeviceCertificate', 'active': 'ActiveDeviceCertificate'}
# Far beyond the worst case the module allows itself for one SN (60 s retry budget plus one timed-out attempt), for each
# round of SNs that wait for a free connection: past it, a run hangs.
HANG_SECONDS_PER_ROUND = 120


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--calls', type=int, default=1000, help='module runs (default %(default)s)')
    parser.add_argument('--sns', type=int, default=1, help='SNs each run looks up (default %(default)s; more than 1: copies of a CA, '
                                                           'bench-0000...)')
    parser.add_argument('--max-concurrency', type=int, default=16, help='the module\'s max_concurrency option (default %(default)s)')
    parser.add_argument('--percent', type=float, default=5.0, help='share of answers faulted at random (default %(default)s)')
    parser.add_argument('--kinds', default=','.join(FAULT_KINDS), help='the faults drawn from (default all: %(default)s)')
    parser.add_argument('--seed', type=int, default=1, help='seed of the emulator\'s random draw (default %(default)s)')
    parser.add_argument('--timeout', type=float, default=2.0, help='the module\'s timeout option (default %(default)s)')
    parser.add_argument('--stall-seconds', type=float, default=3.0, help='how long a stalled answer is held back (default %(default)s)')
    parser.add_argument('--devices', type=int, default=0,
                        help='bulk writes: each run brings this many device certificates alternately to inactive and active with '
                             'mqtt_device_certificate (default: 0, CA lookups)')
    parser.add_argument('--write-faults', default='cut_json:3,unavailable:2,drop:2,throttling:4', metavar='KIND:COUNT,...',
                        help='with --devices: faults queued for the writes of each run, on top of the random ones (default %(default)s)')
    parser.add_argument('--retries', type=int, help='the module\'s retries option (default: the module\'s)')
    parser.add_argument('--json', metavar='PATH', help='also write the summary to PATH')
    return parser.parse_args()


def start_emulator(args, work_dir):
    command = [sys.executable, str(EMULATOR), '--port', '0', '--stop-on-stdin-eof', '--random-faults', str(args.percent),
               '--random-fault-kinds', args.kinds, '--fault-seed', str(args.seed), '--stall-seconds', str(args.stall_seconds)]
    fixtures = work_dir / 'fixtures.json'
    if args.devices:
        subprocess.run([sys.executable, str(EMULATOR), '--write-fixtures', str(fixtures), '--device-certificates', str(4 * args.devices)], check=True)
        command += ['--fixtures', str(fixtures)]
    elif args.sns > 1:
        fixtures.write_text(json.dumps(with_copies(default_fixtures(work_dir), args.sns)), encoding='utf-8')
        command += ['--fixtures', str(fixtures)]
    # pylint: disable-next=consider-using-with
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    if not line.startswith('listening on '):
        sys.exit('the emulator did not start: %r' % line)
    return process, line.split()[-1]


def run_module(url, args, module, options, succeeded, keys):
    """``(outcome, seconds, attempts, message, result)``, outcome being success, clean-failure, dirty-failure or hang; ``succeeded(result)``
    tells a success, ``keys`` are the SNs asked (each round of max_concurrency of them may take HANG_SECONDS_PER_ROUND)."""
    options = dict(options, endpoint=url, timeout=args.timeout, max_concurrency=args.max_concurrency, access_key_id='emulator-access-key-id',
                   access_key_secret='emulator-access-key-secret', **({} if args.retries is None else {'retries': args.retries}))
    env = {'PATH': os.environ['PATH'], 'PYTHONPATH': os.pathsep.join(sys.path)}
    hang_seconds = HANG_SECONDS_PER_ROUND * math.ceil(len(keys) / args.max_concurrency)
    started = time.monotonic()
    try:
        process = subprocess.run([sys.executable, module], input=json.dumps({'ANSIBLE_MODULE_ARGS': options}), capture_output=True,
                                 text=True, timeout=hang_seconds, env=env, check=False)
    except subprocess.TimeoutExpired:
        return 'hang', time.monotonic() - started, None, 'no result within %d s' % hang_seconds, None
    seconds = time.monotonic() - started
    try:
        result = json.loads(process.stdout)
    except ValueError:
        return 'dirty-failure', seconds, None, 'exit code %s, not one JSON document: %r; stderr %r' % (
            process.returncode, process.stdout[-300:], process.stderr[-300:]), None
    message = result.get('msg', '')
    if process.returncode == 0 and not result.get('failed') and succeeded(result):
        return 'success', seconds, result['request_attempts'], '', result
    clean = (process.returncode == 1 and result.get('failed') and message and '\n' not in message and 'Traceback' not in process.stdout
             and 'exception' not in result and process.stderr == '')
    return 'clean-failure' if clean else 'dirty-failure', seconds, result.get('request_attempts'), message, result


class LookupSoak:
    """Runs of mqtt_ca_certificate_info looking up ``sns``."""

    def __init__(self, sns):
        self.keys = sns

    def run(self, url, args, _number):
        return run_module(url, args, MODULE, {'instance_id': INSTANCE, 'sn': self.keys},
                          lambda result: [facts['sn'] for facts in result['certificates']] == self.keys, self.keys)

    def judge(self, _result, _requests, _number):
        """Nothing to judge past the outcome."""
        return []


class BulkWriteSoak:
    """Runs of mqtt_device_certificate bringing ``device_sns`` alternately to inactive and active; ``known``: each one's status as
    the runs so far reported it (None where a failed write left it unknown); ``tally``: what the runs reported, device by device."""

    def __init__(self, fixtures_path, count):
        devices = [entry['data'] for entry in json.loads(fixtures_path.read_text(encoding='utf-8'))['instances'][INSTANCE]['device_certificates']
                   if entry['data']['CaSn'] == DEVICE_CA][2:2 + count]  # the bulk ones, after the two default devices of the CA
        self.keys = [data['DeviceSn'] for data in devices]
        self.known = dict((data['DeviceSn'], 'active' if data['Status'] == '1' else 'inactive') for data in devices)
        self.tally = collections.Counter()

    @staticmethod
    def wanted(number):
        return 'inactive' if number % 2 else 'active'

    def run(self, url, args, number):
        return run_module(url, args, DEVICE_MODULE, {'instance_id': INSTANCE, 'ca_sn': DEVICE_CA, 'device_sn': self.keys,
                                                     'status': self.wanted(number), '_ansible_check_mode': number == 0},
                          lambda result: result.get('failed_device_sns') == [], self.keys)

    def judge(self, result, requests, number):
        """What is wrong with run ``number``'s ``result`` (0: the check-mode read that ends the soak), given the ``requests`` the
        emulator saw during it."""
        wanted = self.wanted(number)
        writes = [entry for entry in requests if entry['action'] in WRITES.values()]
        self.tally['write_requests'] += len(writes)
        self.tally.update('write_' + entry['fault'] for entry in writes if entry['fault'])
        if result is None or 'changed_device_sns' not in result:  # failed before any write: the lookups fail fast
            self.tally['runs_failed_before_writing'] += 1
            return ['%d writes sent by a run that reports none' % len(writes)] if writes else []
        before, changed = result['diff']['before'], result['changed_device_sns']
        contradicted = ['device %s was %s, though the runs before said %s' % (sn, before[sn], self.known[sn])
                        for sn in self.keys if self.known[sn] is not None and before[sn] != self.known[sn]]
        self.tally['contradicted'] += len(contradicted)
        if number == 0:
            return contradicted + (['%d writes sent in check mode' % len(writes)] if writes else [])
        failed = [entry['device_sn'] for entry in result['failed_device_sns']]
        needed = [sn for sn in self.keys if before[sn] != wanted]
        skipped = sorted(set(needed) - set(changed) - set(failed))
        problems = contradicted + ['device %s needed a write and is neither changed nor failed' % sn for sn in skipped]
        problems += ['device %s reported both changed and failed' % sn for sn in sorted(set(changed) & set(failed))]
        if result['changed'] is not bool(changed) or bool(result.get('failed')) is not bool(failed):
            problems.append('changed %s and failed %s with %d SNs changed and %d failed'
                            % (result['changed'], result.get('failed'), len(changed), len(failed)))
        if len(writes) < len(needed):
            problems.append('%d writes for %d devices that needed one' % (len(writes), len(needed)))
        self.tally.update(devices_needing_a_write=len(needed), changed=len(changed), failed=len(failed), skipped=len(skipped))
        self.known = dict(before, **dict((sn, None if sn in failed else wanted) for sn in needed))
        return problems


def same_for_every_run(message):
    """``message`` without what differs from run to run (request IDs, ports, SN numbers), to count failures alike."""
    for pattern, replacement in ((r'request ID [0-9A-F-]+', 'request ID *'), (r'127\.0\.0\.1:\d+', '127.0.0.1:*'), (r'bench-\d+', 'bench-*')):
        message = re.sub(pattern, replacement, message)
    return message


def control(url, name, settings=None):
    """GET a control path, or POST ``settings`` to it."""
    data = None if settings is None else json.dumps(settings).encode('utf-8')
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open('%s/_emulator/%s' % (url, name), data, timeout=10) as response:
        return json.load(response)


def parse_write_faults(text):
    """``KIND:COUNT,...`` -> [(kind, count)]."""
    faults = []
    for item in filter(None, text.split(',')):
        kind, dummy, count = item.partition(':')
        faults.append((kind, int(count or 1)))
    return faults


def stop_early(_signal_number, _frame):
    raise KeyboardInterrupt


def main():
    args = parse_args()
    # Also when started in the background, where SIGINT is ignored: SIGINT or SIGTERM end the soak early.
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, stop_early)
    work_dir = tempfile.TemporaryDirectory(prefix='fault-soak-')  # pylint: disable=consider-using-with
    emulator, url = start_emulator(args, pathlib.Path(work_dir.name))
    if args.devices:
        soak = BulkWriteSoak(pathlib.Path(work_dir.name) / 'fixtures.json', args.devices)
    else:
        soak = LookupSoak([SN] if args.sns == 1 else ['bench-%04d' % number for number in range(args.sns)])
    write_faults = parse_write_faults(args.write_faults) if args.devices else []
    outcomes, seconds, attempts, failures, problems = collections.Counter(), [], [], collections.Counter(), []
    uncounted_runs = 0
    started = time.monotonic()
    # With --devices, a last run in check mode, faults cleared, reads what the service holds: it must be what the runs said.
    numbers = list(range(1, args.calls + 1)) + ([0] if args.devices else [])
    try:
        for number in numbers:
            if args.devices:
                seen_before = control(url, 'requests')['count']
                if number == 0:
                    control(url, 'faults', {'clear': True})
                for kind, count in write_faults if number else ():
                    control(url, 'faults', {'kind': kind, 'count': count, 'action': WRITES[soak.wanted(number)]})
            outcome, duration, attempt_count, message, result = soak.run(url, args, number)
            outcomes[outcome] += 1
            seconds.append(duration)
            attempts.append(attempt_count or 0)
            if args.devices:
                requests = control(url, 'requests')['requests'][seen_before:]
                uncounted_runs += len(requests) != (attempt_count or 0)
                for problem in soak.judge(result, requests, number):
                    problems.append('run %d: %s' % (number, problem))
                    print(problems[-1], file=sys.stderr, flush=True)
            if outcome != 'success':
                failures[same_for_every_run(message)[:160]] += 1
            if outcome in ('dirty-failure', 'hang'):
                print('run %d: %s: %s' % (number, outcome, message), file=sys.stderr, flush=True)
            if len(seconds) % max(1, 100 // len(soak.keys)) == 0:
                print('%d runs: %s' % (len(seconds), dict(outcomes)), file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        # The runs so far are still summarized and judged.
        print('interrupted after %d runs' % len(seconds), file=sys.stderr, flush=True)
    try:
        log = control(url, 'requests')
    finally:
        emulator.stdin.close()
        emulator.wait(30)
        work_dir.cleanup()
    runs = len(seconds)
    nonces = [entry['nonce'] for entry in log['requests']]
    summary = {
        'runs': runs, 'runs_asked': len(numbers), 'sns_per_run': len(soak.keys), 'max_concurrency': args.max_concurrency,
        'fault_percent': args.percent, 'fault_kinds': args.kinds, 'seed': args.seed, 'timeout': args.timeout, 'stall_seconds': args.stall_seconds,
        'retries': args.retries,
        'outcomes': dict(outcomes),
        'wall_seconds': round(time.monotonic() - started, 1),
        'run_seconds': {'median': round(statistics.median(seconds), 3), 'p95': round(sorted(seconds)[int(len(seconds) * 0.95) - 1], 3),
                        'max': round(max(seconds), 3)},
        'requests_seen': log['count'], 'attempts_reported': sum(attempts),
        'max_attempts': max(attempts),
        'faults_injected': dict(collections.Counter(entry['fault'] for entry in log['requests'] if entry['fault'])),
        'nonces_reused': len(nonces) - len(set(nonces)),
        'failure_messages': dict(failures),
    }
    if not args.devices:  # a bulk write's run sends more requests than SNs without any retry
        summary['runs_that_retried'] = sum(1 for count in attempts if count > len(soak.keys))
    else:
        summary.update(write_faults=args.write_faults, bulk_writes=dict(soak.tally), runs_whose_requests_differ_from_their_attempts=uncounted_runs,
                       problems=problems[:20], problem_count=len(problems))
    text = json.dumps(summary, indent=2)
    print(text)
    if args.json:
        pathlib.Path(args.json).write_text(text + '\n', encoding='utf-8')
    healthy = (runs and outcomes['success'] + outcomes['clean-failure'] == runs and summary['nonces_reused'] == 0
               and summary['requests_seen'] == summary['attempts_reported'] and not problems and not uncounted_runs)
    return 0 if healthy else 1


if __name__ == '__main__':
    sys.exit(main())
