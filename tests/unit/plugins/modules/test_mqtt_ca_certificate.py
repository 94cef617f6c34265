# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""mqtt_ca_certificate as Ansible runs it, against the emulator: every path, the requests each sends, every refusal."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import re

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

MODULE = 'mqtt_ca_certificate'
INSTANCE = 'post-cn-emulator01'
PASSPHRASE = 'fleet ca passphrase'
WRITES = {'RegisterCaCertificate', 'ActiveCaCertificate', 'InactivateCaCertificate', 'DeleteCaCertificate'}


class NewCa:
    """A CA made for one test, that the emulator has never seen: its key (PEM, encrypted with PASSPHRASE) and certificate."""

    def __init__(self, key, name='Test Fleet CA', days=365):
        self.key = key
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime.datetime.now(datetime.timezone.utc)
        self.certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=400))
                            .not_valid_after(now + datetime.timedelta(days=days))
                            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(key, hashes.SHA256()))
        self.pem = self.certificate.public_bytes(serialization.Encoding.PEM).decode('ascii')
        self.key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.BestAvailableEncryption(PASSPHRASE.encode())).decode('ascii')
        self.fingerprint = ':'.join('%02x' % byte for byte in self.certificate.fingerprint(hashes.SHA256()))

    def device_pem(self, name='device-1', basic_constraints=False):
        """A device certificate issued by this CA, for a device that connects with it; with ``basic_constraints``, CA:FALSE."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.timezone.utc)
        builder = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
                   .issuer_name(self.certificate.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30)))
        if basic_constraints:
            builder = builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        certificate = builder.sign(self.key, hashes.SHA256())
        return certificate.public_bytes(serialization.Encoding.PEM).decode('ascii')

    def verification_pem(self, code, signer=None):
        """A verification certificate for ``code``, signed by this CA's key or ``signer``."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.timezone.utc)
        certificate = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, code)]))
                       .issuer_name(self.certificate.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
                       .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
                       .sign(signer or self.key, hashes.SHA256()))
        return certificate.public_bytes(serialization.Encoding.PEM).decode('ascii')


@pytest.fixture(scope='module')
def new_cas():
    """Factory: new_cas(kind) -> a NewCa with an RSA or EC key (RSA keys are slow to make, so a few are made once)."""
    def make(kind='ec'):
        return NewCa(rsa.generate_private_key(public_exponent=65537, key_size=2048) if kind == 'rsa' else ec.generate_private_key(ec.SECP384R1()))
    return make


@pytest.fixture
def server(start_emulator):
    """An emulator of this test's own: registrations change its state."""
    return start_emulator()


@pytest.fixture
def ca_task(run_module, module_keys):
    """Function: ca_task(server, check_mode=False, diff=False, endpoint=None, **options) -> (result, actions sent): one run of the
    module, against ``server`` or an ``endpoint`` in front of it (a meddling proxy)."""
    def run(server, check_mode=False, diff=False, endpoint=None, **options):
        before = server.requests_log()['count']  # not reset: that would forget the registrations too
        args = dict(module_keys, instance_id=INSTANCE, endpoint=endpoint or server.url, _ansible_check_mode=check_mode, _ansible_diff=diff, **options)
        result, dummy = run_module(args, module=MODULE)
        return result, [entry['action'] for entry in server.requests_log()['requests'][before:]]
    return run


@pytest.fixture
def instance_cas(run_module, module_keys):
    """Function: instance_cas(server) -> {sha256 fingerprint: facts} of every CA on the instance, through the info module."""
    def cas(server):
        result, dummy = run_module(dict(module_keys, instance_id=INSTANCE, endpoint=server.url))
        assert not result.get('failed'), result
        return dict((ca['x509']['fingerprints']['sha256'], ca) for ca in result['certificates'])
    return cas


@pytest.mark.parametrize('kind', ['rsa', 'ec'])
def test_registering_with_the_cas_key_then_nothing_to_change(server, new_cas, ca_task, instance_cas, kind):
    ca = new_cas(kind)
    options = dict(name='fleet-' + kind, ca_pem=ca.pem, ca_private_key=ca.key_pem, ca_private_key_passphrase=PASSPHRASE)
    result, actions = ca_task(server, diff=True, **options)
    assert result['changed'] is True, result
    assert actions == ['ListCaCertificate', 'GetRegisterCode', 'RegisterCaCertificate', 'GetCaCertificate']
    certificate = result['certificate']
    assert (certificate['name'], certificate['status'], certificate['x509']['fingerprints']['sha256']) == ('fleet-' + kind, 'active', ca.fingerprint)
    assert certificate['verification']['matches_registration_code'] and certificate['verification']['signed_by_ca']
    assert result['diff'] == {'before': {}, 'after': {'sn': certificate['sn'], 'name': 'fleet-' + kind, 'status': 'active'}}
    assert result['request_attempts'] == 4
    assert PASSPHRASE not in str(result) and 'PRIVATE KEY' not in str(result)
    assert instance_cas(server)[ca.fingerprint]['sn'] == certificate['sn']

    again, actions = ca_task(server, **options)
    assert again['changed'] is False and actions == ['ListCaCertificate']
    assert again['certificate']['sn'] == certificate['sn']


def test_registering_with_a_key_file_and_a_verification_certificate(server, new_cas, ca_task, tmp_path, instance_cas):
    ca = new_cas()
    key_file = tmp_path / 'ca.key'
    key_file.write_text(ca.key_pem)
    result, dummy = ca_task(server, name='from-file', ca_pem=ca.pem, ca_private_key_path=str(key_file), ca_private_key_passphrase=PASSPHRASE)
    assert result['changed'] and result['certificate']['name'] == 'from-file'

    other = new_cas()
    code = result['certificate']['registration_code']
    result, actions = ca_task(server, name='with-verification', ca_pem=other.pem, verification_pem=other.verification_pem(code), status='inactive')
    assert result['changed'] and result['certificate']['status'] == 'inactive'
    # GetCaCertificate before the inactivation: the CA behind the SN answered has the certificate of ca_pem
    assert actions == ['ListCaCertificate', 'GetRegisterCode', 'RegisterCaCertificate', 'GetCaCertificate', 'InactivateCaCertificate']
    assert instance_cas(server)[other.fingerprint]['status'] == 'inactive'


def test_check_mode_sends_no_write_and_says_what_a_run_would_do(server, new_cas, ca_task, instance_cas):
    ca = new_cas()
    result, actions = ca_task(server, check_mode=True, diff=True, name='checked', ca_pem=ca.pem, ca_private_key=ca.key_pem,
                              ca_private_key_passphrase=PASSPHRASE)
    assert result['changed'] is True and result['certificate'] is None
    assert result['diff'] == {'before': {}, 'after': {'sn': None, 'name': 'checked', 'status': 'active'}}
    assert actions == ['ListCaCertificate', 'GetRegisterCode']
    assert ca.fingerprint not in instance_cas(server)


def test_inactivate_and_activate_by_sn_one_read_and_one_write_each_then_nothing(server, ca_task):
    sn = '00e0a1c0ffee000001'
    for status, write in (('inactive', 'InactivateCaCertificate'), ('active', 'ActiveCaCertificate')):
        result, actions = ca_task(server, check_mode=True, sn=sn, status=status)
        assert result['changed'] is True and actions == ['GetCaCertificate']
        result, actions = ca_task(server, diff=True, sn=sn, status=status)
        assert result['changed'] is True and actions == ['GetCaCertificate', write]
        assert result['certificate']['status'] == status and result['diff']['after']['status'] == status
        assert result['diff']['before']['status'] != status
        result, actions = ca_task(server, sn=sn, status=status)
        assert result['changed'] is False and actions == ['GetCaCertificate']


def test_another_name_draws_a_warning_and_changes_nothing(server, ca_task, warning_texts):
    result, actions = ca_task(server, sn='00e0a1c0ffee000001', name='renamed')
    assert result['changed'] is False and actions == ['GetCaCertificate']
    assert "CA 00e0a1c0ffee000001 is named 'emulator-rsa2048-active', not 'renamed': the API cannot rename a CA, so its name stays" \
        in warning_texts(result)


def test_absent_deletes_once_and_a_missing_ca_is_no_change(server, new_cas, ca_task, instance_cas):
    ca = new_cas()
    sn = ca_task(server, name='to-delete', ca_pem=ca.pem, ca_private_key=ca.key_pem, ca_private_key_passphrase=PASSPHRASE)[0]['certificate']['sn']
    result, actions = ca_task(server, check_mode=True, sn=sn, state='absent')
    assert result['changed'] is True and 'DeleteCaCertificate' not in actions
    result, actions = ca_task(server, diff=True, ca_pem=ca.pem, state='absent')
    assert result['changed'] is True and result['certificate'] is None
    # the CA the listing paired with ca_pem is confirmed by GetCaCertificate before it is deleted
    assert actions == ['ListCaCertificate', 'GetCaCertificate', 'ListDeviceCertificateByCaSn', 'DeleteCaCertificate']
    assert result['diff'] == {'before': {'sn': sn, 'name': 'to-delete', 'status': 'active', 'device_certificates': 0}, 'after': {}}
    assert ca.fingerprint not in instance_cas(server)
    result, actions = ca_task(server, sn=sn, state='absent')
    assert result['changed'] is False and actions == ['GetCaCertificate']


@pytest.mark.parametrize('case, message', [
    ('wrong key', "^ca_private_key is not the key of the CA in ca_pem: its public key differs from the certificate's$"),
    ('wrong passphrase', '^ca_private_key cannot be decrypted with ca_private_key_passphrase, or is no PEM private key$'),
    ('no passphrase', '^ca_private_key is encrypted: give its passphrase in ca_private_key_passphrase$'),
    ('ca_pem no certificate', r'^ca_pem is not a PEM certificate \(no "BEGIN CERTIFICATE" block found\)$'),
    ('sn and ca_pem differ', '^ca_pem and sn name different CAs: the CA of SN 00e0a1c0ffee000001 has another certificate'),
    ('no name', '^name is required to register the CA of ca_pem, which the instance does not have yet$'),
    ('unknown sn', '^The instance has no CA of SN no-such-sn; to register a CA, give its ca_pem without sn$'),
    ('no verification', '^To register the CA of ca_pem, give ca_private_key or ca_private_key_path'),
    ('verification for another code', "^verification_pem has the common name 'not-the-code'; the instance's registration code is"),
    ('verification by another key', '^verification_pem is not signed by the key of the CA in ca_pem$'),
    ('key and verification', r'^parameters are mutually exclusive: verification_pem\|ca_private_key\|ca_private_key_path$'),
    ('neither sn nor ca_pem', '^one of the following is required: sn, ca_pem$'),
    ('unreadable key file', '^Cannot read ca_private_key_path /nonexistent/ca.key: No such file or directory$'),
    ('status with absent', '^status goes with state: present; state: absent deletes the CA$'),
    ('leaf as ca_pem', "^ca_pem is not a CA certificate: its basic constraints say CA:FALSE"),
    ('expired ca_pem', r'^ca_pem expired on \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: no device can authenticate under it'),
    ('blank name', "^name is blank; a CA's name needs a character that is not a space$"),
    ('line break in name', r"^name 'fleet\\n2027' holds a control character \(a line break, a tab...\); a CA's name has none$"),
    ('100 KB name', r"^name 'x{20}\.\.\.' is 100000 characters long; a CA's name has at most 64 characters$"),
])
def test_every_refusal_is_one_line_without_a_write_or_a_secret(server, new_cas, module_failure, module_keys, case, message):
    ca, other = new_cas(), new_cas()
    code = server.fixtures['instances'][INSTANCE]['ca_certificates'][0]['data']['RegistrationCode']
    register = dict(name='refused', ca_pem=ca.pem, ca_private_key=ca.key_pem, ca_private_key_passphrase=PASSPHRASE)
    options = {
        'wrong key': dict(register, ca_private_key=other.key_pem),
        'wrong passphrase': dict(register, ca_private_key_passphrase='not the passphrase'),
        'no passphrase': dict(register, ca_private_key_passphrase=None),
        'ca_pem no certificate': dict(register, ca_pem='hello'),
        'sn and ca_pem differ': dict(register, sn='00e0a1c0ffee000001'),
        'no name': dict(register, name=None),
        'unknown sn': dict(sn='no-such-sn', status='active'),
        'no verification': dict(register, ca_private_key=None, ca_private_key_passphrase=None),
        'verification for another code': dict(name='refused', ca_pem=ca.pem, verification_pem=ca.verification_pem('not-the-code')),
        'verification by another key': dict(name='refused', ca_pem=ca.pem, verification_pem=ca.verification_pem(code, signer=other.key)),
        'key and verification': dict(register, verification_pem=ca.verification_pem('x')),
        'neither sn nor ca_pem': dict(name='refused'),
        'unreadable key file': dict(register, ca_private_key=None, ca_private_key_path='/nonexistent/ca.key'),
        'status with absent': dict(sn='00e0a1c0ffee000001', state='absent', status='inactive'),
        'leaf as ca_pem': dict(register, ca_pem=ca.device_pem(basic_constraints=True)),
        'expired ca_pem': dict(register, ca_pem=NewCa(ec.generate_private_key(ec.SECP256R1()), days=-1).pem),
        'blank name': dict(register, name='   '),
        'line break in name': dict(register, name='fleet\n2027'),
        '100 KB name': dict(register, name='x' * 100000),
    }[case]
    server.reset()
    result = module_failure(dict(module_keys, instance_id=INSTANCE, endpoint=server.url, **dict((k, v) for k, v in options.items() if v is not None)),
                            module=MODULE)
    assert re.search(message, result['msg']), result['msg']
    assert not WRITES.intersection(entry['action'] for entry in server.requests_log()['requests'])
    assert PASSPHRASE not in str(result) and 'PRIVATE KEY' not in str(result)


def test_absent_refuses_while_device_certificates_are_registered_unless_forced(server, new_cas, ca_task, module_failure, module_keys):
    ca = new_cas()
    sn = ca_task(server, name='with-devices', ca_pem=ca.pem, ca_private_key=ca.key_pem, ca_private_key_passphrase=PASSPHRASE)[0]['certificate']['sn']
    assert server.connect(INSTANCE, ca.device_pem())['registered'] is True
    before = server.requests_log()['count']
    result = module_failure(dict(module_keys, instance_id=INSTANCE, endpoint=server.url, sn=sn, state='absent'), module=MODULE)
    assert result['msg'] == ('CA %s has 1 device certificate registered, and deleting the CA deletes them too: set force: true to delete '
                             'them with it' % sn)
    assert [entry['action'] for entry in server.requests_log()['requests'][before:]] == ['GetCaCertificate', 'ListDeviceCertificateByCaSn']
    result, actions = ca_task(server, sn=sn, state='absent', force=True)
    assert result['changed'] is True and actions == ['GetCaCertificate', 'DeleteCaCertificate']
    assert server.connect(INSTANCE, ca.device_pem('device-2'))['connected'] is False  # the CA is gone, and its devices with it


def test_the_count_of_device_certificates_comes_from_the_answer(server, module_failure, module_keys):
    sn = '00e0a1c0ffee000001'
    devices = [entry for entry in server.fixtures['instances'][INSTANCE]['device_certificates'] if entry['data']['CaSn'] == sn]
    result = module_failure(dict(module_keys, instance_id=INSTANCE, endpoint=server.url, sn=sn, state='absent'), module=MODULE)
    assert result['msg'].startswith('CA %s has %d device certificates registered' % (sn, len(devices)))


@pytest.mark.parametrize('fault', ['drop', 'unavailable'])
def test_a_registration_whose_answer_is_lost_ends_with_exactly_one_registration(server, new_cas, ca_task, instance_cas, fault):
    ca = new_cas()
    server.inject(kind=fault, action='RegisterCaCertificate')  # the emulator registers the CA, then the answer is lost
    result, actions = ca_task(server, name='lost-answer', ca_pem=ca.pem, ca_private_key=ca.key_pem, ca_private_key_passphrase=PASSPHRASE)
    assert result['changed'] is True and result['certificate']['name'] == 'lost-answer', result
    assert actions == ['ListCaCertificate', 'GetRegisterCode', 'RegisterCaCertificate', 'ListCaCertificate', 'GetCaCertificate']
    assert [fingerprint for fingerprint in instance_cas(server) if fingerprint == ca.fingerprint] == [ca.fingerprint]


def test_throttled_writes_are_retried(server, new_cas, ca_task, warning_texts):
    ca = new_cas()
    for action in ('RegisterCaCertificate', 'InactivateCaCertificate'):
        server.inject(kind='throttling', action=action)
    result, actions = ca_task(server, name='throttled', status='inactive', ca_pem=ca.pem, ca_private_key=ca.key_pem,
                              ca_private_key_passphrase=PASSPHRASE)
    assert result['changed'] is True and result['certificate']['status'] == 'inactive'
    assert actions == ['ListCaCertificate', 'GetRegisterCode', 'RegisterCaCertificate', 'RegisterCaCertificate', 'GetCaCertificate',
                       'InactivateCaCertificate', 'InactivateCaCertificate']
    assert len([text for text in warning_texts(result) if 'Throttling.User' in text]) == 2


@pytest.mark.parametrize('fault', ['unavailable', 'drop'])
def test_a_deletion_whose_answer_is_lost_is_not_a_failure(server, new_cas, ca_task, instance_cas, fault):
    ca = new_cas()
    sn = ca_task(server, name='deleted-once', ca_pem=ca.pem, ca_private_key=ca.key_pem, ca_private_key_passphrase=PASSPHRASE)[0]['certificate']['sn']
    server.inject(kind=fault, action='DeleteCaCertificate')  # deleted, then the answer is lost; the retry finds nothing to delete
    result, actions = ca_task(server, sn=sn, state='absent', force=True)
    assert result['changed'] is True and not result.get('failed'), result
    assert actions == ['GetCaCertificate', 'DeleteCaCertificate', 'DeleteCaCertificate']
    assert ca.fingerprint not in instance_cas(server)


# Issue 20: writes that tell the truth (the hostile answers come from a meddling proxy in front of the emulator)

def registration(ca, **options):
    return dict(name='truthful', ca_pem=ca.pem, ca_private_key=ca.key_pem, ca_private_key_passphrase=PASSPHRASE, **options)


def test_a_registration_answer_naming_another_ca_inactivates_nothing(server, new_cas, ca_task, instance_cas, meddling_proxy):
    other = server.fixtures['instances'][INSTANCE]['ca_certificates'][0]['data']['Sn']
    proxy = meddling_proxy(server.url, 'RegisterCaCertificate', lambda dummy: (200, json.dumps({'RequestId': 'R', 'Sn': other}).encode()))
    result, actions = ca_task(server, endpoint=proxy, **registration(new_cas(), status='inactive'))
    assert result['failed'] and '\n' not in result['msg']
    assert result['msg'].startswith("RegisterCaCertificate answered with SN %s, but GetCaCertificate shows another certificate than ca_pem's" % other)
    assert result['changed'] is True and 'InactivateCaCertificate' not in actions
    assert [ca['status'] for ca in instance_cas(server).values() if ca['sn'] == other] == ['active']


def test_absent_without_force_refuses_when_total_says_12_on_an_empty_page(server, ca_task, meddling_proxy):
    sn = '00e0a1c0ffee000003'
    empty = json.dumps({'RequestId': 'R', 'Data': {'Total': 12, 'DeviceCertificateVOS': []}}).encode()
    result, actions = ca_task(server, endpoint=meddling_proxy(server.url, 'ListDeviceCertificateByCaSn', lambda dummy: (200, empty)),
                              sn=sn, state='absent')
    assert result['failed'] and result['msg'].startswith('CA %s has 12 device certificates registered' % sn)
    assert 'DeleteCaCertificate' not in actions


@pytest.mark.parametrize('broken', [b'{"RequestId": "R-CUT", "Sn": "00', b'{"RequestId": "R-NO-SN"}'], ids=['cut JSON', 'no Sn'])
def test_a_registration_answered_unreadably_is_found_by_its_fingerprint_and_reported_changed(server, new_cas, ca_task, instance_cas,
                                                                                             meddling_proxy, broken):
    ca = new_cas()
    proxy = meddling_proxy(server.url, 'RegisterCaCertificate', lambda dummy: (200, broken))
    result, actions = ca_task(server, endpoint=proxy, **registration(ca))
    assert not result.get('failed') and result['changed'] is True, result
    assert actions == ['ListCaCertificate', 'GetRegisterCode', 'RegisterCaCertificate', 'ListCaCertificate', 'GetCaCertificate']
    assert instance_cas(server)[ca.fingerprint]['sn'] == result['certificate']['sn']


def test_a_failed_inactivation_after_the_registration_reports_the_ca_and_what_is_left(server, new_cas, ca_task, instance_cas):
    ca = new_cas()
    server.inject(kind='throttling', count=10, retry_after_ms=0, action='InactivateCaCertificate')
    result, dummy = ca_task(server, retries=1, **registration(ca, status='inactive'))
    sn = instance_cas(server)[ca.fingerprint]['sn']
    assert result['failed'] and result['changed'] is True and '\n' not in result['msg']
    assert result['msg'].startswith('CA %s was registered, and is active as the service registers every CA, but inactivating it failed, so '
                                    'status: inactive is still to be done (run the task again): ' % sn)
    assert (result['certificate']['sn'], result['certificate']['status']) == (sn, 'active') and result['error']['code'] == 'Throttling.User'


def test_a_registration_refused_as_another_task_registered_the_ca_meanwhile_is_ok(server, new_cas, ca_task, instance_cas, meddling_proxy):
    ca = new_cas()
    sn = ca_task(server, **registration(ca))[0]['certificate']['sn']

    def looked_before_the_other_task(body):
        body['Data']['CaCertificateVOS'] = [data for data in body['Data']['CaCertificateVOS'] if data['Sn'] != sn]
        return 200, json.dumps(body).encode()
    result, actions = ca_task(server, endpoint=meddling_proxy(server.url, 'ListCaCertificate', looked_before_the_other_task, 1),
                              **registration(ca))
    assert not result.get('failed') and result['changed'] is False and result['certificate']['sn'] == sn, result
    assert actions == ['ListCaCertificate', 'GetRegisterCode', 'RegisterCaCertificate', 'ListCaCertificate', 'GetCaCertificate']
    assert list(instance_cas(server)).count(ca.fingerprint) == 1


@pytest.mark.parametrize('option', ['ca_pem', 'verification_pem', 'name'])
def test_a_private_key_pasted_into_an_option_appears_in_no_output(server, new_cas, module_failure, module_keys, option):
    ca = new_cas()
    options = dict(name='pasted', ca_pem=ca.pem, verification_pem=ca.verification_pem('code'))
    options[option] = ca.key_pem
    result = module_failure(dict(module_keys, instance_id=INSTANCE, endpoint=server.url, _ansible_inject_invocation=True, _ansible_verbosity=4,
                                 **options), module=MODULE)
    body = ca.key_pem.split('\n')[1]
    assert 'PRIVATE KEY' not in json.dumps(result) and body not in json.dumps(result)
    assert result['invocation']['module_args'][option].strip() == '********'


def test_the_diff_of_a_forced_deletion_counts_the_device_certificates_that_go_with_the_ca(server, ca_task):
    sn = '00e0a1c0ffee000001'
    devices = [entry for entry in server.fixtures['instances'][INSTANCE]['device_certificates'] if entry['data']['CaSn'] == sn]
    result, actions = ca_task(server, check_mode=True, diff=True, sn=sn, state='absent', force=True)
    assert result['changed'] is True and actions == ['GetCaCertificate', 'ListDeviceCertificateByCaSn']
    assert result['diff']['before'] == {'sn': sn, 'name': 'emulator-rsa2048-active', 'status': 'active', 'device_certificates': len(devices)}
