# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026, alibabacloud.apsaramq contributors
"""Soak: many sequential runs of mqtt_ca_certificate_info against an emulator that faults a share of its answers at random.

Each run looks up one SN (the default) or many (--sns) with up to --max-concurrency requests in flight over kept-alive
connections. Every run must end in success or in a clean failure (one JSON document, a one-line msg, no traceback) within
a hard limit, the emulator must never see a nonce twice, and the requests it saw must equal the runs' request_attempts.
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

from ansible_collections.alibabacloud.apsaramq.plugins.modules import mqtt_ca_certificate_info

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench import INSTANCE, SN, default_fixtures, with_copies  # noqa: E402  pylint: disable=wrong-import-position

EMULATOR = pathlib.Path(__file__).resolve().parents[1] / 'emulator' / 'onsmqtt_emulator.py'
MODULE = mqtt_ca_certificate_info.__file__.replace('.pyc', '.py')
FAULT_KINDS = ('throttling', 'overflow', 'unavailable', 'drop', 'stall', 'truncated', 'html')
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
    parser.add_argument('--json', metavar='PATH', help='also write the summary to PATH')
    return parser.parse_args()


def start_emulator(args, work_dir):
    command = [sys.executable, str(EMULATOR), '--port', '0', '--stop-on-stdin-eof', '--random-faults', str(args.percent),
               '--random-fault-kinds', args.kinds, '--fault-seed', str(args.seed), '--stall-seconds', str(args.stall_seconds)]
    if args.sns > 1:
        fixtures = work_dir / 'fixtures.json'
        fixtures.write_text(json.dumps(with_copies(default_fixtures(work_dir), args.sns)), encoding='utf-8')
        command += ['--fixtures', str(fixtures)]
    # pylint: disable-next=consider-using-with
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    if not line.startswith('listening on '):
        sys.exit('the emulator did not start: %r' % line)
    return process, line.split()[-1]


def run_module(url, args, sns):
    """``(outcome, seconds, attempts, message)``, outcome being success, clean-failure, dirty-failure or hang."""
    options = {'instance_id': INSTANCE, 'sn': sns, 'endpoint': url, 'timeout': args.timeout, 'max_concurrency': args.max_concurrency,
               'access_key_id': 'emulator-access-key-id', 'access_key_secret': 'emulator-access-key-secret'}
    env = {'PATH': os.environ['PATH'], 'PYTHONPATH': os.pathsep.join(sys.path)}
    hang_seconds = HANG_SECONDS_PER_ROUND * math.ceil(len(sns) / args.max_concurrency)
    started = time.monotonic()
    try:
        process = subprocess.run([sys.executable, MODULE], input=json.dumps({'ANSIBLE_MODULE_ARGS': options}), capture_output=True,
                                 text=True, timeout=hang_seconds, env=env, check=False)
    except subprocess.TimeoutExpired:
        return 'hang', time.monotonic() - started, None, 'no result within %d s' % hang_seconds
    seconds = time.monotonic() - started
    try:
        result = json.loads(process.stdout)
    except ValueError:
        return 'dirty-failure', seconds, None, 'exit code %s, not one JSON document: %r; stderr %r' % (
            process.returncode, process.stdout[-300:], process.stderr[-300:])
    message = result.get('msg', '')
    if process.returncode == 0 and not result.get('failed') and [facts['sn'] for facts in result['certificates']] == sns:
        return 'success', seconds, result['request_attempts'], ''
    clean = (process.returncode == 1 and result.get('failed') and message and '\n' not in message and 'Traceback' not in process.stdout
             and 'exception' not in result and process.stderr == '')
    return 'clean-failure' if clean else 'dirty-failure', seconds, result.get('request_attempts'), message


def same_for_every_run(message):
    """``message`` without what differs from run to run (request IDs, ports, SN numbers), to count failures alike."""
    for pattern, replacement in ((r'request ID [0-9A-F-]+', 'request ID *'), (r'127\.0\.0\.1:\d+', '127.0.0.1:*'), (r'bench-\d+', 'bench-*')):
        message = re.sub(pattern, replacement, message)
    return message


def control(url, name):
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open('%s/_emulator/%s' % (url, name), timeout=10) as response:
        return json.load(response)


def stop_early(_signal_number, _frame):
    raise KeyboardInterrupt


def main():
    args = parse_args()
    # Also when started in the background, where SIGINT is ignored: SIGINT or SIGTERM end the soak early.
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, stop_early)
    sns = [SN] if args.sns == 1 else ['bench-%04d' % number for number in range(args.sns)]
    work_dir = tempfile.TemporaryDirectory(prefix='fault-soak-')  # pylint: disable=consider-using-with
    emulator, url = start_emulator(args, pathlib.Path(work_dir.name))
    outcomes, seconds, attempts, failures = collections.Counter(), [], [], collections.Counter()
    started = time.monotonic()
    try:
        for number in range(1, args.calls + 1):
            outcome, duration, attempt_count, message = run_module(url, args, sns)
            outcomes[outcome] += 1
            seconds.append(duration)
            attempts.append(attempt_count or 0)
            if outcome != 'success':
                failures[same_for_every_run(message)[:160]] += 1
            if outcome in ('dirty-failure', 'hang'):
                print('run %d: %s: %s' % (number, outcome, message), file=sys.stderr, flush=True)
            if number % max(1, 100 // args.sns) == 0:
                print('%d runs: %s' % (number, dict(outcomes)), file=sys.stderr, flush=True)
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
        'runs': runs, 'runs_asked': args.calls, 'sns_per_run': args.sns, 'max_concurrency': args.max_concurrency,
        'fault_percent': args.percent, 'fault_kinds': args.kinds, 'seed': args.seed, 'timeout': args.timeout, 'stall_seconds': args.stall_seconds,
        'outcomes': dict(outcomes),
        'wall_seconds': round(time.monotonic() - started, 1),
        'run_seconds': {'median': round(statistics.median(seconds), 3), 'p95': round(sorted(seconds)[int(len(seconds) * 0.95) - 1], 3),
                        'max': round(max(seconds), 3)},
        'requests_seen': log['count'], 'attempts_reported': sum(attempts),
        'runs_that_retried': sum(1 for count in attempts if count > len(sns)), 'max_attempts': max(attempts),
        'faults_injected': dict(collections.Counter(entry['fault'] for entry in log['requests'] if entry['fault'])),
        'nonces_reused': len(nonces) - len(set(nonces)),
        'failure_messages': dict(failures),
    }
    text = json.dumps(summary, indent=2)
    print(text)
    if args.json:
        pathlib.Path(args.json).write_text(text + '\n', encoding='utf-8')
    healthy = (runs and outcomes['success'] + outcomes['clean-failure'] == runs and summary['nonces_reused'] == 0
               and summary['requests_seen'] == summary['attempts_reported'])
    return 0 if healthy else 1


if __name__ == '__main__':
    sys.exit(main())
