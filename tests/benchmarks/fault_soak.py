# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026, alibabacloud.apsaramq contributors
"""Soak: many sequential runs of mqtt_ca_certificate_info against an emulator that faults a share of its answers at random.

Every run must end in success or in a clean failure (one JSON document, a one-line msg, no traceback) within a hard
limit, and the emulator must never see a nonce twice. Exits 0 when all of that holds. See README.md next to this file.

Run with the collection importable, e.g.:  PYTHONPATH=/path/to/collections python3 tests/benchmarks/fault_soak.py
"""

import argparse
import collections
import json
import os
import pathlib
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

from ansible_collections.alibabacloud.apsaramq.plugins.modules import mqtt_ca_certificate_info

EMULATOR = pathlib.Path(__file__).resolve().parents[1] / 'emulator' / 'onsmqtt_emulator.py'
MODULE = mqtt_ca_certificate_info.__file__.replace('.pyc', '.py')
SN = '00e0a1c0ffee000001'
# Far beyond the worst case the module allows itself (60 s retry budget plus one timed-out attempt): past it, a run hangs.
HANG_SECONDS = 120


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--calls', type=int, default=1000, help='module runs (default %(default)s)')
    parser.add_argument('--percent', type=float, default=5.0, help='share of answers faulted at random (default %(default)s)')
    parser.add_argument('--seed', type=int, default=1, help='seed of the emulator\'s random draw (default %(default)s)')
    parser.add_argument('--timeout', type=float, default=2.0, help='the module\'s timeout option (default %(default)s)')
    parser.add_argument('--stall-seconds', type=float, default=3.0, help='how long a stalled answer is held back (default %(default)s)')
    parser.add_argument('--json', metavar='PATH', help='also write the summary to PATH')
    return parser.parse_args()


def start_emulator(args):
    command = [sys.executable, str(EMULATOR), '--port', '0', '--stop-on-stdin-eof', '--random-faults', str(args.percent),
               '--fault-seed', str(args.seed), '--stall-seconds', str(args.stall_seconds)]
    # pylint: disable-next=consider-using-with
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    if not line.startswith('listening on '):
        sys.exit('the emulator did not start: %r' % line)
    return process, line.split()[-1]


def run_module(url, timeout):
    """``(outcome, seconds, attempts, message)``, outcome being success, clean-failure, dirty-failure or hang."""
    args = {'instance_id': 'post-cn-emulator01', 'sn': [SN], 'endpoint': url, 'timeout': timeout,
            'access_key_id': 'emulator-access-key-id', 'access_key_secret': 'emulator-access-key-secret'}
    env = {'PATH': os.environ['PATH'], 'PYTHONPATH': os.pathsep.join(sys.path)}
    started = time.monotonic()
    try:
        process = subprocess.run([sys.executable, MODULE], input=json.dumps({'ANSIBLE_MODULE_ARGS': args}), capture_output=True,
                                 text=True, timeout=HANG_SECONDS, env=env, check=False)
    except subprocess.TimeoutExpired:
        return 'hang', time.monotonic() - started, None, 'no result within %d s' % HANG_SECONDS
    seconds = time.monotonic() - started
    try:
        result = json.loads(process.stdout)
    except ValueError:
        return 'dirty-failure', seconds, None, 'not one JSON document: %r' % process.stdout[-300:]
    message = result.get('msg', '')
    if process.returncode == 0 and not result.get('failed') and [facts['sn'] for facts in result['certificates']] == [SN]:
        return 'success', seconds, result['request_attempts'], ''
    clean = (process.returncode == 1 and result.get('failed') and message and '\n' not in message and 'Traceback' not in process.stdout
             and 'exception' not in result and process.stderr == '')
    return 'clean-failure' if clean else 'dirty-failure', seconds, result.get('request_attempts'), message


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
    emulator, url = start_emulator(args)
    outcomes, seconds, attempts, failures = collections.Counter(), [], [], collections.Counter()
    started = time.monotonic()
    try:
        for number in range(1, args.calls + 1):
            outcome, duration, attempt_count, message = run_module(url, args.timeout)
            outcomes[outcome] += 1
            seconds.append(duration)
            attempts.append(attempt_count or 0)
            if outcome != 'success':
                failures[message[:160]] += 1
            if number % 100 == 0:
                print('%d runs: %s' % (number, dict(outcomes)), file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        # The runs so far are still summarized and judged.
        print('interrupted after %d runs' % len(seconds), file=sys.stderr, flush=True)
    try:
        log = control(url, 'requests')
    finally:
        emulator.stdin.close()
        emulator.wait(30)
    runs = len(seconds)
    nonces = [entry['nonce'] for entry in log['requests']]
    summary = {
        'runs': runs, 'runs_asked': args.calls, 'fault_percent': args.percent, 'seed': args.seed, 'timeout': args.timeout, 'stall_seconds': args.stall_seconds,
        'outcomes': dict(outcomes),
        'wall_seconds': round(time.monotonic() - started, 1),
        'run_seconds': {'median': round(statistics.median(seconds), 3), 'p95': round(sorted(seconds)[int(len(seconds) * 0.95) - 1], 3),
                        'max': round(max(seconds), 3)},
        'requests_seen': log['count'], 'attempts_reported': sum(attempts),
        'runs_that_retried': sum(1 for count in attempts if count > 1), 'max_attempts': max(attempts),
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
