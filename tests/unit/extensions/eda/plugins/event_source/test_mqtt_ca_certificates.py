# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The event source mqtt_ca_certificates, loaded as ansible-rulebook loads it (runpy) and run against the emulator, a poll at
a time, with a clock the tests move."""

import asyncio
import contextlib
import json
import logging
import os
import pathlib
import re
import runpy
import subprocess
import sys
import time

import pytest
import yaml

SOURCE_FILE = pathlib.Path(__file__).resolve().parents[6] / 'extensions' / 'eda' / 'plugins' / 'event_source' / 'mqtt_ca_certificates.py'
INSTANCE = 'post-cn-emulator01'
EXPIRING = '00e0a1c0ffee000005'  # 10.5 days left
EXPIRED = '00e0a1c0ffee000004'
SECRET = 'emulator-access-key-secret'
DAY_MS = 86400 * 1000
# How long a test waits for a poll, so that a broken source fails the test instead of hanging it; no timing is asserted.
HANG_GUARD_SECONDS = 60


@pytest.fixture(scope='module')
def source():
    """The source file's globals, as ansible-rulebook gets them (runpy.run_path)."""
    return runpy.run_path(str(SOURCE_FILE))


class MovableClock:
    """The source's clock: ``now_ms`` is what the test sets; ``sleep`` waits until the test lets the source poll again."""

    def __init__(self):
        self.now = int(time.time() * 1000)
        self.intervals = []
        self._sleepers = asyncio.Queue()

    def now_ms(self):
        return self.now

    async def sleep(self, seconds):
        self.intervals.append(seconds)
        wake = asyncio.get_running_loop().create_future()
        self._sleepers.put_nowait(wake)
        await wake

    async def sleeper(self):
        """The wake-up of the source's next sleep, once it sleeps."""
        return await self._sleepers.get()


class Watching:
    """``main()`` running in a task; ``poll(days)`` moves the clock, lets it poll once more and returns that poll's events."""

    def __init__(self, main, args):
        self.queue = asyncio.Queue()
        self.clock = MovableClock()
        self.task = asyncio.ensure_future(main(self.queue, args, self.clock))
        self._asleep = None

    async def poll(self, days=0):
        if self._asleep is not None:
            self.clock.now += int(days * DAY_MS)
            self._asleep.set_result(None)
        sleeper = asyncio.ensure_future(self.clock.sleeper())
        done, _pending = await asyncio.wait({sleeper, self.task}, timeout=HANG_GUARD_SECONDS, return_when=asyncio.FIRST_COMPLETED)
        if self.task in done:
            sleeper.cancel()
            self.task.result()  # raises what stopped the source
            pytest.fail('the source returned')
        assert sleeper in done, 'no poll within %d s' % HANG_GUARD_SECONDS
        self._asleep = sleeper.result()
        events = []
        while not self.queue.empty():
            events.append(self.queue.get_nowait()['apsaramq'])
        return events

    async def stop(self):
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


def run(source, args, scenario):
    """Run ``scenario(watching)`` against a running source; the source is cancelled afterwards."""
    async def go():
        watching = Watching(source['main'], args)
        try:
            return await scenario(watching)
        finally:
            await watching.stop()
    return asyncio.run(go())


@pytest.fixture
def own_emulator(start_emulator):
    """An emulator of the test's own, whose CAs the test may change."""
    return start_emulator()


@pytest.fixture
def args_for(module_keys):
    def args(emulator, **more):
        return dict(dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url, retries=0), **more)
    return args


def kinds(events):
    return [(event['type'], event['sn'], event['threshold']) for event in events]


def fixture_ca(emulator, sn):
    return next(ca['data'] for ca in emulator.fixtures['instances'][INSTANCE]['ca_certificates'] if ca['data']['Sn'] == sn)


def test_the_first_poll_reports_what_is_already_past_a_threshold_once_and_nothing_else(source, emulator, args_for):
    events = run(source, args_for(emulator), lambda watching: watching.poll())
    assert kinds(events) == [('ca_expired', EXPIRED, None), ('ca_expiring', EXPIRING, 30)]
    expiring = events[1]
    ca = fixture_ca(emulator, EXPIRING)
    assert expiring == {
        'type': 'ca_expiring', 'instance_id': INSTANCE, 'sn': EXPIRING, 'name': ca['CaName'], 'status': 'active',
        'valid_end': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(int(ca['ValidEnd']) // 1000)),
        'days_remaining': 10, 'threshold': 30, 'previous_status': None,
    }


def test_each_threshold_is_reported_once_as_the_clock_moves_then_the_expiry_once(source, emulator, args_for):
    async def scenario(watching):
        polls = [await watching.poll()]
        for days in (1, 3, 1, 5, 1.5, 1):
            polls.append(await watching.poll(days))
        return polls

    polls = run(source, args_for(emulator), scenario)
    assert [kinds(events) for events in polls] == [
        [('ca_expired', EXPIRED, None), ('ca_expiring', EXPIRING, 30)],
        [],  # 9 days left
        [('ca_expiring', EXPIRING, 7)],  # 6 days
        [],
        [('ca_expiring', EXPIRING, 1)],  # 0 days and a half
        [('ca_expired', EXPIRING, None)],
        [],
    ]
    assert [event['days_remaining'] for events in polls for event in events if event['sn'] == EXPIRING] == [10, 6, 0, -2]


def test_thresholds_crossed_between_two_polls_are_each_reported_widest_first(source, emulator, args_for):
    async def scenario(watching):
        return [await watching.poll(), await watching.poll(days=5)]

    first, second = run(source, args_for(emulator, expiry_thresholds=[5, 60, 9, 30]), scenario)
    assert kinds(first) == [('ca_expired', EXPIRED, None), ('ca_expiring', EXPIRING, 30)]
    assert kinds(second) == [('ca_expiring', EXPIRING, 9), ('ca_expiring', EXPIRING, 5)]


def test_status_changes_deletions_and_registrations_are_reported_with_the_status_before(source, own_emulator, args_for, acs_client):
    client = acs_client(own_emulator.url)

    async def scenario(watching):
        polls = [await watching.poll()]
        client.call('InactivateCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': '00e0a1c0ffee000001'}, method='POST', repeatable=False)
        client.call('ActiveCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': '00e0a1c0ffee000003'}, method='POST', repeatable=False)
        polls.append(await watching.poll())
        client.call('DeleteCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': '00e0a1c0ffee000007'}, method='POST', repeatable=False)
        polls.append(await watching.poll())
        own_emulator.reset()  # the fixtures again: the deleted CA is back, the statuses as they were
        polls.append(await watching.poll())
        return polls

    polls = run(source, args_for(own_emulator), scenario)
    assert [[(event['type'], event['sn'], event['status'], event['previous_status']) for event in events] for events in polls[1:]] == [
        [('ca_status_changed', '00e0a1c0ffee000001', 'inactive', 'active'), ('ca_status_changed', '00e0a1c0ffee000003', 'active', 'inactive')],
        [('ca_deleted', '00e0a1c0ffee000007', 'active', None)],
        [('ca_status_changed', '00e0a1c0ffee000001', 'active', 'inactive'), ('ca_status_changed', '00e0a1c0ffee000003', 'inactive', 'active'),
         ('ca_registered', '00e0a1c0ffee000007', 'active', None)],
    ]
    assert polls[2][0]['name'] == fixture_ca(own_emulator, '00e0a1c0ffee000007')['CaName']


def test_device_certificates_are_watched_when_asked(source, own_emulator, args_for, acs_client):
    client = acs_client(own_emulator.url)
    spares = own_emulator.fixtures['instances'][INSTANCE]['spare_device_certificates']
    spare = next(device for device in spares if device['data']['DeviceSn'] == '00dec1ce0100000101')

    async def scenario(watching):
        polls = [await watching.poll()]
        assert own_emulator.connect(INSTANCE, spare['data']['DeviceContent'])['registered']
        client.call('InactivateDeviceCertificate', {'MqttInstanceId': INSTANCE, 'CaSn': '00e0a1c0ffee000001', 'DeviceSn': '00dec1ce0100000001'},
                    method='POST', repeatable=False)
        polls.append(await watching.poll())
        client.call('DeleteCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': '00e0a1c0ffee000002'}, method='POST', repeatable=False)
        polls.append(await watching.poll())
        return polls

    polls = run(source, args_for(own_emulator, include_device_certificates=True), scenario)
    assert [event['type'] for event in polls[0]] == ['ca_expired', 'ca_expiring']
    devices = [[(event['type'], event.get('ca_sn'), event['sn'], event['previous_status']) for event in events] for events in polls[1:]]
    assert devices == [
        [('device_certificate_status_changed', '00e0a1c0ffee000001', '00dec1ce0100000001', 'active'),
         ('device_certificate_registered', '00e0a1c0ffee000001', '00dec1ce0100000101', None)],
        [('ca_deleted', None, '00e0a1c0ffee000002', None),
         ('device_certificate_deleted', '00e0a1c0ffee000002', '00dec1ce0200000001', None),
         ('device_certificate_deleted', '00e0a1c0ffee000002', '00dec1ce0200000002', None)],
    ]
    assert polls[1][0]['status'] == 'inactive' and polls[1][1]['name'] == spare['data']['DeviceName']


def test_no_device_certificate_is_asked_for_unless_asked(source, own_emulator, args_for):
    run(source, args_for(own_emulator), lambda watching: watching.poll())
    assert {request['action'] for request in own_emulator.requests_log()['requests']} == {'ListCaCertificate'}


# A stalled answer (the emulator holds it 30 s) fails the poll by its timeout of 1 s.
@pytest.mark.parametrize('fault', ['throttling', 'unavailable', 'html', 'stall'])
def test_a_failed_poll_is_one_log_line_without_a_secret_and_the_next_poll_goes_on(source, own_emulator, args_for, caplog, fault):
    async def scenario(watching):
        polls = [await watching.poll()]
        own_emulator.inject(kind=fault, count=1)
        polls.append(await watching.poll(days=4))  # fails: what it would have seen is told by the next
        polls.append(await watching.poll())
        return polls

    with caplog.at_level(logging.INFO, logger='alibabacloud.apsaramq.mqtt_ca_certificates'):
        polls = run(source, args_for(own_emulator, interval=120, timeout=1), scenario)
    assert [kinds(events) for events in polls] == [
        [('ca_expired', EXPIRED, None), ('ca_expiring', EXPIRING, 30)], [], [('ca_expiring', EXPIRING, 7)]]
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 1 and '\n' not in lines[0] and SECRET not in lines[0]
    assert lines[0].startswith('mqtt_ca_certificates: the poll of instance %s failed, tried again in 120 s: ' % INSTANCE)
    assert caplog.records[0].levelno == logging.WARNING


def test_a_failed_first_poll_leaves_the_next_one_first(source, own_emulator, args_for, caplog):
    async def scenario(watching):
        return [await watching.poll(), await watching.poll()]

    own_emulator.inject(kind='throttling', count=1)
    polls = run(source, args_for(own_emulator), scenario)
    assert [kinds(events) for events in polls] == [[], [('ca_expired', EXPIRED, None), ('ca_expiring', EXPIRING, 30)]]
    assert 'Throttling.User' in caplog.text


def test_a_poll_that_cannot_find_the_instance_is_logged_and_the_source_goes_on(source, emulator, args_for, caplog):
    async def scenario(watching):
        return [await watching.poll(), await watching.poll()]

    polls = run(source, args_for(emulator, instance_id='post-cn-unknown'), scenario)
    assert polls == [[], []]
    assert [record.getMessage().count('MqttInstanceNotFound') for record in caplog.records] == [1, 1]


def test_the_interval_is_what_the_source_waits_between_polls(source, emulator, args_for):
    async def scenario(watching):
        await watching.poll()
        await watching.poll()
        return watching.clock.intervals

    assert run(source, args_for(emulator, interval=42.5), scenario) == [42.5, 42.5]
    assert run(source, args_for(emulator), scenario) == [300, 300]


def test_a_cancelled_source_stops_at_once_even_with_a_poll_in_flight(source, own_emulator, args_for):
    async def scenario():
        watching = Watching(source['main'], args_for(own_emulator, timeout=HANG_GUARD_SECONDS * 2))
        own_emulator.inject(kind='stall', count=1)
        while not own_emulator.requests_log()['count']:  # the request has reached the emulator, which stalls it
            await asyncio.sleep(0.05)
        watching.task.cancel()
        done, _pending = await asyncio.wait({watching.task}, timeout=HANG_GUARD_SECONDS)
        return done and watching.task.cancelled()

    assert asyncio.run(scenario())


@pytest.mark.parametrize('bad, message', [
    ({'instance_id': None}, 'missing required arguments: instance_id'),
    ({'instance_id': ' '}, 'instance_id must not be empty'),
    ({'interval': 0}, 'interval must be a number of seconds above 0, got 0'),
    ({'interval': 'often'}, "argument 'interval' is of type str"),
    ({'interval': float('nan')}, 'interval must be a number of seconds above 0'),
    ({'expiry_thresholds': [30, -1]}, 'expiry_thresholds must be one or more numbers of days, 0 or more'),
    ({'expiry_thresholds': []}, 'expiry_thresholds must be one or more numbers of days'),
    ({'expiry_thresholds': ['a month']}, "Elements value for option 'expiry_thresholds'"),
    ({'include_device_certificates': 'perhaps'}, "argument 'include_device_certificates' is of type str"),
    ({'intervall': 60}, 'unknown argument intervall; it takes '),
    ({'access_key_secret': 'sh0rt-s3cret'}, 'access_key_secret is 12 characters long'),
    ({'timeout': 0}, 'timeout must be a number of seconds above 0'),
    ({'signature_algorithm': 'md5'}, 'signature_algorithm must be one of'),
])
def test_arguments_no_poll_could_work_with_stop_the_source_in_one_line_before_any_request(source, own_emulator, args_for, bad, message):
    args = dict(args_for(own_emulator), **bad)
    args = {name: value for name, value in args.items() if value is not None}
    with pytest.raises(ValueError) as raised:
        run(source, args, lambda watching: watching.poll())
    text = str(raised.value)
    assert text.startswith('mqtt_ca_certificates: ') and message in text and '\n' not in text
    assert SECRET not in text and 'sh0rt-s3cret' not in text
    assert own_emulator.requests_log()['count'] == 0


def test_the_arguments_ansible_rulebook_adds_itself_are_accepted(source, emulator, args_for):
    events = run(source, dict(args_for(emulator), eda_feedback_queue=asyncio.Queue()), lambda watching: watching.poll())
    assert len(events) == 2


def test_the_modules_aliases_and_environment_variables_work_here_too(source, emulator, emulator_keys, monkeypatch):
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_ID', emulator_keys.access_key_id)
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', emulator_keys.access_key_secret)
    monkeypatch.setenv('ALIBABA_CLOUD_ECS_METADATA_DISABLED', 'true')
    events = run(source, {'mqtt_instance_id': INSTANCE, 'endpoint_url': emulator.url}, lambda watching: watching.poll())
    assert len(events) == 2


def test_the_documentation_matches_the_arguments_it_takes(source):
    from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC
    from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._event_source import SOURCE_ARGUMENT_SPEC
    documented = yaml.safe_load(source['DOCUMENTATION'])
    own = {name: spec for name, spec in SOURCE_ARGUMENT_SPEC.items() if name not in CONNECTION_ARGUMENT_SPEC}
    assert sorted(documented['options']) == sorted(own)
    for name, spec in own.items():
        option = documented['options'][name]
        assert (option['type'], option.get('default'), option.get('required', False), option.get('aliases')) == \
            (spec['type'], spec.get('default'), spec.get('required', False), spec.get('aliases')), name
    description = ' '.join(documented['description'])
    named = description.split('described in the doc fragment alibabacloud.apsaramq.connection - ', 1)[1].split('.', 1)[0]
    assert sorted(name.strip() for name in named.replace(' and ', ', ').split(',')) == sorted(CONNECTION_ARGUMENT_SPEC)


def test_the_example_rulebook_gives_arguments_the_source_takes(source):
    from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._event_source import check_arguments
    rulebook = yaml.safe_load(source['EXAMPLES'])
    for source_entry in rulebook[0]['sources']:
        options, _secrets = check_arguments(source_entry['alibabacloud.apsaramq.mqtt_ca_certificates'])
        assert options['expiry_thresholds'] == [30, 7]


def test_run_by_hand_without_an_instance_it_says_how_in_one_line():
    finished = subprocess.run([sys.executable, str(SOURCE_FILE)], capture_output=True, text=True, timeout=HANG_GUARD_SECONDS, check=False)
    assert finished.returncode == 1 and finished.stderr.startswith('usage: ') and finished.stderr.count('\n') == 1


def test_run_by_hand_it_prints_the_events_of_its_first_poll(emulator, emulator_keys, tmp_path):
    environ = {'ALIBABA_CLOUD_ACCESS_KEY_ID': emulator_keys.access_key_id, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': emulator_keys.access_key_secret,
               'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true', 'HOME': str(tmp_path), 'PATH': '/usr/bin:/bin'}
    environ.update({name: value for name, value in os.environ.items() if name == 'PYTHONPATH'})
    with subprocess.Popen([sys.executable, str(SOURCE_FILE), INSTANCE, emulator.url], stdout=subprocess.PIPE, text=True, env=environ) as process:
        try:
            first = [json.loads(process.stdout.readline())['apsaramq']['type'] for _event in range(2)]
        finally:
            process.terminate()
    assert first == ['ca_expired', 'ca_expiring']


def test_the_guides_rulebook_gives_arguments_the_source_takes_and_names_only_events_it_sends(source):
    from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._event_source import check_arguments
    rulebook = yaml.safe_load((SOURCE_FILE.parents[4] / 'docs' / 'examples' / 'rulebooks' / 'ca-watch.yml').read_text(encoding='utf-8'))
    (entry,) = rulebook[0]['sources']
    check_arguments(entry['alibabacloud.apsaramq.mqtt_ca_certificates'])
    documented = set(re.findall(r'C\((\w+)\)', ' '.join(yaml.safe_load(source['DOCUMENTATION'])['description'])))
    named = {name for rule in rulebook[0]['rules'] for name in re.findall(r'event\.apsaramq\.type == "(\w+)"', rule['condition'])}
    assert named and named <= documented


def test_without_cryptography_the_source_stops_saying_what_to_install(emulator, module_keys):
    args = dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url)
    code = ("import asyncio, json, runpy, sys\n"
            "sys.modules['cryptography'] = None  # as where it is not installed\n"
            "main = runpy.run_path(sys.argv[1])['main']\n"
            "asyncio.run(main(asyncio.Queue(), json.loads(sys.argv[2])))\n")
    finished = subprocess.run([sys.executable, '-c', code, str(SOURCE_FILE), json.dumps(args)], capture_output=True, text=True,
                              timeout=HANG_GUARD_SECONDS, check=False)
    assert finished.returncode == 1
    assert finished.stderr.splitlines()[-1] == ('RuntimeError: mqtt_ca_certificates needs the Python library cryptography to read '
                                                "certificates: install it where ansible-rulebook runs (the collection's requirements.txt)")


# A fleet listed while it moves (the emulator's listing hooks, tests/emulator/README.md): 257 device certificates, three
# pages of 100, listed in the order of the fixtures. The source asks for several pages at once; here one at a time, so
# that page 3 is never answered before the hook of page 2 fires (which would move the fleet another way, by chance).
@pytest.fixture
def fleet(fleet_emulator, monkeypatch):
    from ansible_collections.alibabacloud.apsaramq.plugins.module_utils import _ca_watch
    monkeypatch.setattr(_ca_watch, 'DEVICE_PAGES_IN_FLIGHT', 1)
    fleet_emulator.reset()
    yield fleet_emulator
    fleet_emulator.reset()


def fleet_devices(server):
    return [(entry['data']['CaSn'], entry['data']['DeviceSn']) for entry in server.fixtures['instances'][INSTANCE]['device_certificates']]


def device_events(events):
    return [(event['type'], event['ca_sn'], event['device_sn']) for event in events if event['type'].startswith('device_')]


def bulk_spares(server, count):
    return [entry['data'] for entry in server.fixtures['instances'][INSTANCE]['spare_device_certificates']
            if entry['data']['DeviceName'].startswith('emulator-bulk-spare-')][:count]


# balanced: a device registers (last) in the same moment, so that Total does not change and the pager sees no movement;
# the device that slipped into page 1 is then missing from the listing, and only its confirmation by SN keeps it.
@pytest.mark.parametrize('balanced', [False, True], ids=['deleted', 'deleted-and-registered'])
def test_a_device_deleted_mid_listing_is_the_only_one_reported_deleted(source, fleet, args_for, caplog, balanced):
    devices = fleet_devices(fleet)
    # On page 1, read before it is deleted: the next poll tells it. devices[100], the first of page 2, slips into page 1,
    # already read: it gives no event.
    deleted, slipped = devices[5], devices[100]
    registered = bulk_spares(fleet, 1) if balanced else []

    async def scenario(watching):
        polls = [await watching.poll()]
        fleet.listing_hook('ListDeviceCertificate', 2, delete_devices=[deleted], register=[spare['DeviceContent'] for spare in registered])
        polls.append(await watching.poll())
        polls.append(await watching.poll())
        return polls

    polls = run(source, args_for(fleet, include_device_certificates=True), scenario)
    assert fleet.listing_hooks()['fired'][0]['deleted_devices'] == [list(deleted)]
    assert [event for events in polls for event in device_events(events) if event[0] == 'device_certificate_deleted'] == \
        [('device_certificate_deleted',) + deleted]
    assert device_events(polls[2])[-1] == ('device_certificate_deleted',) + deleted
    assert [event for events in polls for event in device_events(events) if event[0] == 'device_certificate_registered'] == \
        [('device_certificate_registered', spare['CaSn'], spare['DeviceSn']) for spare in registered]
    assert [event for events in polls for event in device_events(events) if event[1:] == slipped] == []
    asked = [request for request in fleet.requests_log()['requests'] if request['action'] == 'GetDeviceCertificate']
    if balanced:  # the one the listing missed, found; then the deleted one, gone
        assert len(asked) == 2
    assert 'failed' not in caplog.text


def test_a_ca_deleted_mid_listing_gives_its_devices_deleted_and_no_other(source, fleet, args_for, caplog):
    devices = fleet_devices(fleet)
    deleted_ca = '00e0a1c0ffee000002'
    of_ca = [device for device in devices if device[0] == deleted_ca]
    assert 0 < len(of_ca) < len(devices) and any(devices.index(device) >= 100 for device in of_ca)  # the listing shifts

    async def scenario(watching):
        polls = [await watching.poll()]
        fleet.listing_hook('ListDeviceCertificate', 2, delete_ca=deleted_ca)
        polls.append(await watching.poll())
        polls.append(await watching.poll())
        return polls

    polls = run(source, args_for(fleet, include_device_certificates=True), scenario)
    assert fleet.listing_hooks()['fired'][0]['deleted_ca'] == deleted_ca
    assert [event['type'] for event in polls[1] if not event['type'].startswith('device_')] == ['ca_deleted']
    assert sorted(device_events(polls[1])) == sorted(('device_certificate_deleted',) + device for device in of_ca)
    assert polls[2] == []
    assert 'failed' not in caplog.text


def test_run_by_hand_help_gives_the_usage_and_no_poll():
    finished = subprocess.run([sys.executable, str(SOURCE_FILE), '--help'], capture_output=True, text=True, timeout=HANG_GUARD_SECONDS, check=False)
    assert finished.returncode == 0 and finished.stdout.startswith('usage: ') and finished.stdout.count('\n') == 1
    assert 'INSTANCE_ID [ENDPOINT]' in finished.stdout and finished.stderr == ''


def test_run_by_hand_with_a_python_without_ansible_says_which_python_in_one_line():
    code = ("import runpy, sys\n"
            "sys.modules['ansible'] = None  # as in a Python where ansible-core is not installed\n"
            "sys.argv = [sys.argv[1], 'post-cn-x']\n"
            "runpy.run_path(sys.argv[0], run_name='__main__')\n")
    finished = subprocess.run([sys.executable, '-c', code, str(SOURCE_FILE)], capture_output=True, text=True, timeout=HANG_GUARD_SECONDS, check=False)
    assert finished.returncode == 1 and finished.stderr.count('\n') == 1, finished.stderr
    assert finished.stderr.startswith('mqtt_ca_certificates needs ansible-core in the Python that runs it, and %s has none' % sys.executable)


@pytest.fixture
def no_settings(monkeypatch, tmp_path):
    """An environment without credentials, region or aliyun CLI profile, where the ECS metadata service is not asked."""
    for name in list(os.environ):
        if name.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_')):
            monkeypatch.delenv(name)
    monkeypatch.setenv('HOME', str(tmp_path))
    monkeypatch.setenv('ALIBABA_CLOUD_ECS_METADATA_DISABLED', 'true')


@pytest.mark.parametrize('args, message', [
    ({'endpoint': 'URL'}, "No credentials found. Tried: "),
    ({'access_key_id': 'KEY_ID', 'access_key_secret': 'KEY_SECRET'}, 'Set region (or the environment variable ALIBABA_CLOUD_REGION_ID'),
])
def test_settings_that_never_gave_a_poll_stop_the_source_in_one_line(source, own_emulator, module_keys, no_settings, args, message):
    values = {'URL': own_emulator.url, 'KEY_ID': module_keys['access_key_id'], 'KEY_SECRET': module_keys['access_key_secret']}
    with pytest.raises(ValueError) as raised:
        run(source, dict({name: values[value] for name, value in args.items()}, instance_id=INSTANCE), lambda watching: watching.poll())
    text = str(raised.value)
    assert text.startswith('mqtt_ca_certificates: ' + message) and '\n' not in text, text
    assert 'module_defaults' not in text and SECRET not in text
    assert own_emulator.requests_log()['count'] == 0


def test_credentials_that_vanish_after_a_poll_are_logged_and_the_source_goes_on(source, own_emulator, emulator_keys, no_settings, monkeypatch, caplog):
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_ID', emulator_keys.access_key_id)
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', emulator_keys.access_key_secret)

    async def scenario(watching):
        polls = [await watching.poll()]
        monkeypatch.delenv('ALIBABA_CLOUD_ACCESS_KEY_SECRET')
        polls.append(await watching.poll())
        return polls

    polls = run(source, {'instance_id': INSTANCE, 'endpoint': own_emulator.url}, scenario)
    assert [len(events) for events in polls] == [2, 0]
    assert "failed, tried again in 300 s: Half a key pair" in caplog.text, caplog.text


def test_a_restarted_source_with_its_state_file_reports_only_what_changed_since(source, own_emulator, args_for, tmp_path):
    state_file = tmp_path / 'state.json'

    async def first_run(watching):
        return [await watching.poll()]

    async def restarted(watching):
        watching.clock.now += 4 * DAY_MS  # the source was down four days: 6 days left
        return [await watching.poll(), await watching.poll()]

    args = args_for(own_emulator, state_file=str(state_file))
    assert [kinds(events) for events in run(source, args, first_run)] == [[('ca_expired', EXPIRED, None), ('ca_expiring', EXPIRING, 30)]]
    document = json.loads(state_file.read_text(encoding='utf-8'))
    assert (document['source'], document['version'], document['instance_id']) == ('alibabacloud.apsaramq.mqtt_ca_certificates', 1, INSTANCE)
    assert [kinds(events) for events in run(source, args, restarted)] == [[('ca_expiring', EXPIRING, 7)], []]
    assert [kinds(events) for events in run(source, args, first_run)] == [[]]
    assert list(tmp_path.iterdir()) == [state_file]  # no temporary file left beside it


@pytest.mark.parametrize('content, message', [
    ('{"source": "alibabacloud.apsaramq.mqtt_ca_certificates", "vers', 'cannot be read (Unterminated string'),
    ('all:\n  hosts:\n    localhost:\n', 'cannot be read (Expecting value'),
    ('{"hosts": ["localhost"]}', 'is not a state file of this source (version 1); it is left as it is'),
    ('{"source": "alibabacloud.apsaramq.mqtt_ca_certificates", "version": 1, "instance_id": "post-cn-other", "state": null}',
     'is the state of instance post-cn-other, not post-cn-emulator01: give each source its own state_file'),
    ('{"source": "alibabacloud.apsaramq.mqtt_ca_certificates", "version": 1, "instance_id": "post-cn-emulator01", "state": {"cas": 3}}',
     'it is not a state this source wrote (AttributeError'),
])
def test_a_state_file_that_is_not_one_stops_the_source_in_one_line_and_is_left_as_it_is(source, own_emulator, args_for, tmp_path, content, message):
    state_file = tmp_path / 'state.json'
    state_file.write_text(content, encoding='utf-8')
    with pytest.raises(ValueError) as raised:
        run(source, args_for(own_emulator, state_file=str(state_file)), lambda watching: watching.poll())
    text = str(raised.value)
    assert text.startswith('mqtt_ca_certificates: state_file %s' % state_file) and message in text and '\n' not in text, text
    assert state_file.read_text(encoding='utf-8') == content
    assert own_emulator.requests_log()['count'] == 0


@pytest.mark.parametrize('where, message', [
    ('missing/state.json', 'the directory %s does not exist'),
    ('', 'is a directory; give the path of a file'),
])
def test_a_state_file_that_could_never_be_written_stops_the_source_before_the_first_poll(source, own_emulator, args_for, tmp_path, where, message):
    path = tmp_path / where
    with pytest.raises(ValueError) as raised:
        run(source, args_for(own_emulator, state_file=str(path)), lambda watching: watching.poll())
    assert str(raised.value).endswith(message % (tmp_path / 'missing') if '%s' in message else message)
    assert own_emulator.requests_log()['count'] == 0


def test_a_state_file_that_cannot_be_written_is_logged_and_the_source_goes_on(source, own_emulator, args_for, tmp_path, caplog):
    state_dir = tmp_path / 'state'
    state_dir.mkdir()

    async def scenario(watching):
        polls = [await watching.poll()]
        (state_dir / 'state.json').unlink()
        state_dir.rmdir()  # the temporary file beside it cannot be made
        polls.append(await watching.poll(days=4))
        state_dir.mkdir()
        polls.append(await watching.poll())
        return polls

    polls = run(source, args_for(own_emulator, state_file=str(state_dir / 'state.json')), scenario)
    assert [kinds(events) for events in polls] == [[('ca_expired', EXPIRED, None), ('ca_expiring', EXPIRING, 30)], [('ca_expiring', EXPIRING, 7)], []]
    lines = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert len(lines) == 1 and lines[0].startswith('mqtt_ca_certificates: state_file %s could not be written, tried again after the next poll: '
                                                   % (state_dir / 'state.json'))
    assert json.loads((state_dir / 'state.json').read_text(encoding='utf-8'))['state']['cas'][EXPIRING]['reported'] == [7, 30]


def test_devices_registered_mid_listing_fail_no_poll_and_are_each_reported_registered_once(source, fleet, args_for, caplog):
    spares = bulk_spares(fleet, 3)

    async def scenario(watching):
        polls = [await watching.poll()]
        # Before page 2 is read, three devices register at the head of the listing: page 2 begins with the last three of page 1.
        fleet.listing_hook('ListDeviceCertificate', 2, register=[spare['DeviceContent'] for spare in spares], position=0)
        polls.append(await watching.poll())
        polls.append(await watching.poll())
        return polls

    polls = run(source, args_for(fleet, include_device_certificates=True), scenario)
    assert sorted(fleet.listing_hooks()['fired'][0]['registered']) == sorted(spare['DeviceSn'] for spare in spares)
    assert 'failed' not in caplog.text
    reported = [event for events in polls[1:] for event in device_events(events)]
    assert sorted(reported) == sorted(('device_certificate_registered', spare['CaSn'], spare['DeviceSn']) for spare in spares)
