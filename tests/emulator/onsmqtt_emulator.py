# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""Local emulator of the ApsaraMQ for MQTT control API (onsmqtt 2020-04-20), with STS and the ECS metadata service; see README.md.

Run it by path: python3 tests/emulator/onsmqtt_emulator.py --port 0
"""

import argparse
import contextlib
import os
import signal
import sys
import threading

from _faults import DEFAULT_STALL_SECONDS, FAULT_KINDS, FaultInjector, FaultSettings, FaultSpecError, check_percent, check_rate, parse_fault_arg
from _default_fixtures import MAX_BULK_DEVICES, generate_default_fixtures
from _fixtures import FixtureError, FixtureStore, write_fixtures
from _metadata import MODES, MetadataSettings, MetadataSettingsError
from _sdk_verifier import SdkSignatureCheck, SdkUnavailable
from _server import Emulator, EmulatorServer
from _tls import tls_context

PROGRAM = 'onsmqtt_emulator'


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog=PROGRAM, description='Local emulator of the ApsaraMQ for MQTT (onsmqtt 2020-04-20) control API, STS and the ECS metadata service.')
    parser.add_argument('--host', default='127.0.0.1', help='address to listen on (default: %(default)s)')
    parser.add_argument('--port', type=int, help='port to listen on; 0 picks a free one')
    parser.add_argument('--port-file', metavar='PATH', help='write the port number to PATH once listening (removed again at exit)')
    parser.add_argument('--fixtures', metavar='PATH', help='serve this fixture file instead of freshly generated defaults')
    parser.add_argument('--write-fixtures', metavar='PATH', help='write freshly generated default fixtures to PATH and exit')
    parser.add_argument('--device-certificates', type=int, default=0, metavar='N',
                        help='generated fixtures: N more device certificates on post-cn-emulator01, for benchmarks (default: %(default)s)')
    parser.add_argument('--spare-device-certificates', type=int, default=0, metavar='N',
                        help='generated fixtures: N more spare device certificates (issued, not registered) on post-cn-emulator01, '
                             'for a fleet that grows (default: %(default)s)')
    parser.add_argument('--tls-dir', metavar='DIR', help='serve HTTPS; the throw-away CA to trust is written to DIR/ca.pem')
    parser.add_argument('--signature-verifier', choices=('own', 'sdk'), default='own',
                        help='"sdk": also recompute every signature with the official Alibaba Cloud SDK (default: %(default)s)')
    parser.add_argument('--accept-unsigned', action='store_true',
                        help='serve onsmqtt calls that carry no signature at all as the default permanent key: for benchmarks only, never for tests of signing')
    parser.add_argument('--stop-on-stdin-eof', action='store_true',
                        help='stop when standard input closes: a test harness that dies without cleaning up still stops it')
    metadata = parser.add_argument_group('ECS metadata service', 'the same settings as POST /_emulator/metadata; see README.md')
    metadata.add_argument('--metadata-mode', choices=MODES, default=MetadataSettings.mode,
                          help='optional: tokens accepted, not required; required: hardened mode, no tokenless GET; '
                               'unsupported: an old service without tokens; off: no metadata service (default: %(default)s)')
    metadata.add_argument('--metadata-role', default=MetadataSettings.role, metavar='NAME',
                          help='the RAM role attached to the instance; "" for none (default: %(default)s)')
    faults = parser.add_argument_group('fault injection', 'the same settings as POST /_emulator/faults; see README.md')
    faults.add_argument('--latency-ms', type=int, default=0, metavar='N', help='delay every API answer by N milliseconds')
    faults.add_argument('--fault', action='append', default=[], metavar='KIND[:COUNT]',
                        help=f'the next COUNT (default 1) API requests get this fault, in the order given; kinds: {", ".join(FAULT_KINDS)}')
    faults.add_argument('--random-faults', type=float, default=0.0, metavar='PERCENT', help='then fault this percentage of the API requests at random')
    faults.add_argument('--random-fault-kinds', default=','.join(FAULT_KINDS), metavar='KIND,...', help='the faults drawn from (default: all)')
    faults.add_argument('--fault-seed', type=int, help='seed of the random draw, for a repeatable run')
    faults.add_argument('--max-requests-per-second', type=int, metavar='N',
                        help='answer Throttling.User, without carrying it out, to an onsmqtt API request past N in any sliding one-second window')
    faults.add_argument('--stall-seconds', type=float, default=DEFAULT_STALL_SECONDS, help='how long a stall holds the answer back (default: %(default)s)')
    args = parser.parse_args(argv)
    if args.port is None and args.write_fixtures is None:
        parser.error('--port is required (0 picks a free port)')
    for option, number in (('--device-certificates', args.device_certificates), ('--spare-device-certificates', args.spare_device_certificates)):
        if not 0 <= number <= MAX_BULK_DEVICES:
            parser.error(f'{option} must be from 0 to {MAX_BULK_DEVICES}')
        if number and args.fixtures:
            parser.error(f'{option} applies to generated fixtures, not to a --fixtures file')
    try:
        args.fault_settings = fault_settings(args)
        args.metadata_settings = MetadataSettings(args.metadata_mode, args.metadata_role or None)
    except (FaultSpecError, MetadataSettingsError) as exc:
        parser.error(str(exc))
    return args


def fault_settings(args):
    if not 0 <= args.latency_ms <= 3600000 or not 0 <= args.stall_seconds <= 3600:
        raise FaultSpecError('--latency-ms must be 0..3600000 and --stall-seconds 0..3600')
    return FaultSettings(
        latency_ms=args.latency_ms, queued=[(*parse_fault_arg(text), None, None) for text in args.fault],
        random_percent=check_percent(args.random_faults), random_kinds=[parse_fault_arg(kind)[0] for kind in args.random_fault_kinds.split(',')],
        stall_seconds=args.stall_seconds, seed=args.fault_seed, max_requests_per_second=check_rate(args.max_requests_per_second))


def generated_fixtures(args):
    return generate_default_fixtures(bulk_devices=args.device_certificates, bulk_spares=args.spare_device_certificates)


def build_server(args):
    fixtures = FixtureStore.from_file(args.fixtures) if args.fixtures else FixtureStore(generated_fixtures(args))
    cross_check = SdkSignatureCheck() if args.signature_verifier == 'sdk' else None
    ssl_context = tls_context(args.tls_dir, args.host) if args.tls_dir else None
    emulator = Emulator(fixtures, cross_check, faults=FaultInjector(args.fault_settings), accept_unsigned=args.accept_unsigned,
                        metadata=args.metadata_settings)
    return EmulatorServer((args.host, args.port), emulator, ssl_context)


def stop_on_signals(server):
    def stop(_signal_number, _frame):
        # shutdown() waits for serve_forever() to return, and that runs in this very thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, stop)


def stop_on_stdin_eof(server):
    def wait_for_eof():
        # os.read, not sys.stdin: a daemon thread blocked in a buffered read aborts the interpreter at exit.
        while os.read(sys.stdin.fileno(), 4096):
            pass
        server.shutdown()

    threading.Thread(target=wait_for_eof, daemon=True).start()


def write_port_file(path, port):
    # Written whole under a temporary name, so that a reader never sees a partial number.
    temporary = f'{path}.tmp'
    with open(temporary, 'w', encoding='ascii') as stream:
        stream.write(f'{port}\n')
    os.replace(temporary, path)


def serve(args):
    try:
        server = build_server(args)
    except (FixtureError, SdkUnavailable, OSError) as exc:
        print(f'{PROGRAM}: error: {exc}', file=sys.stderr)
        return 2
    stop_on_signals(server)
    if args.stop_on_stdin_eof:
        stop_on_stdin_eof(server)
    port = server.server_address[1]
    if args.port_file:
        write_port_file(args.port_file, port)
    print(f'listening on {"https" if args.tls_dir else "http"}://{args.host}:{port}', flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        if args.port_file:
            with contextlib.suppress(FileNotFoundError):
                os.remove(args.port_file)
    return 0


def main(argv=None):
    args = parse_args(argv)
    if args.write_fixtures:
        write_fixtures(generated_fixtures(args), args.write_fixtures)
        return 0
    return serve(args)


if __name__ == '__main__':
    sys.exit(main())
