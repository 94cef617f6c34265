# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""CaLifecycle on a real client, against the emulator and, for the answers a hostile or broken server gives, a meddling
proxy in front of it: what is written, what is reported, and what is refused before any request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ca_lifecycle import CaLifecycle, WantedCa
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._certificate import sha256_fingerprint
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApiError, ApsaraMQError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._onsmqtt import list_ca_certificates

INSTANCE = 'post-cn-emulator01'
OTHER_CA = '00e0a1c0ffee000001'  # two device certificates
LONELY_CA = '00e0a1c0ffee000003'  # no device certificate
NOW = datetime.datetime.now(datetime.timezone.utc)


def new_ca(name='Lifecycle Test CA', not_after=None):
    """``(certificate PEM, key PEM)`` of a self-signed CA the emulator has never seen."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(NOW - datetime.timedelta(days=400))
                   .not_valid_after(not_after or NOW + datetime.timedelta(days=365))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(key, hashes.SHA256()))
    return (certificate.public_bytes(serialization.Encoding.PEM).decode('ascii'),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def registering(ca, status=None, name='lifecycle-test'):
    return WantedCa(ca_pem=ca[0], name=name, status=status, ca_key=(ca[1], None, 'ca_private_key'))


class Run:
    """One task's lifecycle against ``url``, its warnings, and the actions the emulator saw from it."""

    def __init__(self, server, url, acs_client, check_mode=False, diff=False, retries=0):
        self.server, self.warnings = server, []
        self.lifecycle = CaLifecycle(lambda: acs_client(url, retries=retries), INSTANCE, NOW, self.warnings.append, check_mode, diff)
        self._before = server.requests_log()['count']

    def ensure(self, wanted):
        return self.lifecycle.ensure(wanted)

    @property
    def actions(self):
        return [entry['action'] for entry in self.server.requests_log()['requests'][self._before:]]


@pytest.fixture
def server(start_emulator):
    return start_emulator()


@pytest.fixture
def instance_cas(server, acs_client):
    """Function: instance_cas() -> {SN: data} of the CAs the emulator holds now (read after a Run's actions)."""
    return lambda: dict((data['Sn'], data) for data, dummy in list_ca_certificates(acs_client(server.url), INSTANCE))


@pytest.fixture
def run(server, acs_client, meddling_proxy):
    """Function: run(meddled=None, **settings) -> a Run against the emulator, through a meddling proxy when ``meddled`` is
    ``(action, answer[, times])`` (see meddling_proxy)."""
    def start(meddled=None, **settings):
        return Run(server, meddling_proxy(server.url, *meddled) if meddled else server.url, acs_client, **settings)
    return start


def answer(document):
    return lambda dummy: (200, json.dumps(document).encode())


def by_fingerprint(cas, ca):
    return [data for data in cas.values() if sha256_fingerprint(data['CaContent']) == sha256_fingerprint(ca[0])]


# --- item 2: no write on a CA that an answer or a listing paired with ca_pem, unless GetCaCertificate confirms it ---------------

def test_a_registration_answer_naming_another_ca_writes_nothing_to_that_ca(run, instance_cas):
    ca = new_ca()
    task = run(('RegisterCaCertificate', answer({'RequestId': 'R-OTHER', 'Sn': OTHER_CA})))
    with pytest.raises(ApsaraMQError, match=r"^RegisterCaCertificate answered with SN %s, but GetCaCertificate shows another certificate than "
                                            r"ca_pem's under that SN \(request ID [0-9A-F-]+\): nothing was written to CA %s$" % (OTHER_CA, OTHER_CA)):
        task.ensure(registering(ca, status='inactive'))
    assert task.actions == ['ListCaCertificate', 'GetRegisterCode', 'RegisterCaCertificate', 'GetCaCertificate']
    assert task.lifecycle.outcome() == {'changed': True, 'certificate': None}  # the service said it registered something
    assert instance_cas()[OTHER_CA]['Status'] == '1'


@pytest.mark.parametrize('wanted', ['absent', 'inactive'])
def test_a_listing_that_pairs_ca_pem_with_another_cas_sn_gets_no_write_on_that_ca(run, instance_cas, wanted):
    ca = new_ca()

    def paired_with_the_lonely_ca(body):
        for data in body['Data']['CaCertificateVOS']:
            if data['Sn'] == LONELY_CA:
                data.update(CaContent=ca[0], Status='1')
        return 200, json.dumps(body).encode()
    task = run(('ListCaCertificate', paired_with_the_lonely_ca))
    refusal = (r"^ListCaCertificate paired the certificate of ca_pem with SN %s, but GetCaCertificate shows another certificate than ca_pem's "
               r"under that SN \(request ID .*\): nothing was written to CA %s$" % (LONELY_CA, LONELY_CA))
    with pytest.raises(ApsaraMQError, match=refusal):
        task.ensure(WantedCa(state='absent', ca_pem=ca[0]) if wanted == 'absent' else WantedCa(ca_pem=ca[0], status='inactive'))
    assert task.actions == ['ListCaCertificate', 'GetCaCertificate'] and task.lifecycle.outcome()['changed'] is False
    assert instance_cas()[LONELY_CA]['Status'] == '0'  # inactive in the fixtures, as it stays


def test_a_ca_found_by_its_fingerprint_is_confirmed_once_before_a_write_and_not_at_all_without_one(run, instance_cas):
    ca = new_ca()
    run().ensure(registering(ca))
    task = run()
    assert task.ensure(WantedCa(ca_pem=ca[0]))[0] is False and task.actions == ['ListCaCertificate']
    task = run()
    changed, certificate, dummy = task.ensure(WantedCa(ca_pem=ca[0], status='inactive'))
    assert changed and certificate['status'] == 'inactive'
    assert task.actions == ['ListCaCertificate', 'GetCaCertificate', 'InactivateCaCertificate']


# --- item 3: the force guard trusts the page and Total --------------------------------------------------------------------

def test_absent_without_force_refuses_when_total_counts_devices_on_an_empty_page(run, instance_cas):
    task = run(('ListDeviceCertificateByCaSn', answer({'RequestId': 'R-TOTAL', 'Data': {'Total': 12, 'DeviceCertificateVOS': []}})))
    with pytest.raises(ApsaraMQError, match=r'^CA %s has 12 device certificates registered, and deleting the CA deletes them too: set force: true'
                                            % LONELY_CA):
        task.ensure(WantedCa(state='absent', sn=LONELY_CA))
    assert task.actions == ['GetCaCertificate', 'ListDeviceCertificateByCaSn'] and LONELY_CA in instance_cas()


# --- item 4: a write answered unreadably is an unknown outcome, never "not changed" -----------------------------------------

@pytest.mark.parametrize('broken', [b'{"RequestId": "R-CUT", "Sn": "00', b'{"RequestId": "R-NO-SN"}'], ids=['cut JSON', 'no Sn'])
def test_a_registration_answered_unreadably_is_looked_up_and_reported_changed(run, instance_cas, broken):
    ca = new_ca()
    task = run(('RegisterCaCertificate', lambda dummy: (200, broken)))
    changed, certificate, diff = task.ensure(registering(ca))
    assert changed is True and certificate['name'] == 'lifecycle-test'
    assert task.actions == ['ListCaCertificate', 'GetRegisterCode', 'RegisterCaCertificate', 'ListCaCertificate', 'GetCaCertificate']
    assert [data['Sn'] for data in by_fingerprint(instance_cas(), ca)] == [certificate['sn']] == [diff['after']['sn']]


def test_a_repeatable_write_answered_unreadably_is_sent_again(run, instance_cas):
    task = run(('InactivateCaCertificate', lambda dummy: (200, b'{"RequestId": "R-CUT", "Sn'), 1), retries=1)
    changed, certificate, dummy = task.ensure(WantedCa(sn=OTHER_CA, status='inactive'))
    assert changed is True and certificate['status'] == 'inactive'
    assert task.actions == ['GetCaCertificate', 'InactivateCaCertificate', 'InactivateCaCertificate']
    assert instance_cas()[OTHER_CA]['Status'] == '0'


def test_a_repeatable_write_whose_answers_all_break_fails_reporting_changed(run):
    task = run(('InactivateCaCertificate', lambda dummy: (200, b'<html>')))
    with pytest.raises(ApsaraMQError, match=r'answered HTTP 200, but the answer could not be read .*: the service may have carried '
                                            r'InactivateCaCertificate out$'):
        task.ensure(WantedCa(sn=OTHER_CA, status='inactive'))
    assert task.lifecycle.outcome()['changed'] is True


def test_a_registration_whose_answer_is_lost_and_whose_look_fails_reports_changed(run, server, instance_cas):
    """Whether the service registered the CA is unknown, and so is what the task did: it must not say it changed nothing."""
    ca = new_ca()
    listings = []

    def first_listing_only(body):
        listings.append(body)
        if len(listings) == 1:
            return 200, json.dumps(body).encode()
        return 503, json.dumps({'RequestId': 'R-DOWN', 'Code': 'ServiceUnavailable', 'Message': 'down'}).encode()
    server.inject(kind='drop', action='RegisterCaCertificate')  # carried out, its answer lost
    task = run(('ListCaCertificate', first_listing_only))
    with pytest.raises(ApsaraMQError, match='ServiceUnavailable'):
        task.ensure(registering(ca))
    assert task.actions == ['ListCaCertificate', 'GetRegisterCode', 'RegisterCaCertificate', 'ListCaCertificate']
    assert len(by_fingerprint(instance_cas(), ca)) == 1
    assert task.lifecycle.outcome() == {'changed': True, 'certificate': None}


# --- item 5: registered, then the inactivation fails ------------------------------------------------------------------------

def test_a_registration_whose_inactivation_fails_reports_the_ca_changed_and_what_is_left_to_do(run, server, instance_cas):
    ca = new_ca()
    server.inject(kind='throttling', action='InactivateCaCertificate')  # refused: not carried out, and retries 0
    task = run()
    with pytest.raises(ApiError) as failure:
        task.ensure(registering(ca, status='inactive'))
    sn = by_fingerprint(instance_cas(), ca)[0]['Sn']
    assert str(failure.value).startswith('CA %s was registered, and is active as the service registers every CA, but inactivating it failed, so '
                                         'status: inactive is still to be done (run the task again): InactivateCaCertificate failed: Throttling.User'
                                         % sn)
    outcome = task.lifecycle.outcome()
    assert outcome['changed'] is True and (outcome['certificate']['sn'], outcome['certificate']['status']) == (sn, 'active')


# --- item 6: a refused registration of a CA that another task registered meanwhile ---------------------------------------------

@pytest.mark.parametrize('status, changed', [(None, False), ('inactive', True)])
def test_a_registration_refused_because_another_task_registered_the_ca_is_ok(run, instance_cas, status, changed):
    ca = new_ca()
    first = run().ensure(registering(ca, name='first'))[1]

    def before_the_other_task(body):  # the first look happened before the other task registered the CA
        body['Data']['CaCertificateVOS'] = [data for data in body['Data']['CaCertificateVOS'] if data['Sn'] != first['sn']]
        return 200, json.dumps(body).encode()
    task = run(('ListCaCertificate', before_the_other_task, 1))
    result = task.ensure(registering(ca, status=status, name='first'))
    assert (result[0], result[1]['sn'], result[1]['status']) == (changed, first['sn'], status or 'active')
    assert task.actions == ['ListCaCertificate', 'GetRegisterCode', 'RegisterCaCertificate', 'ListCaCertificate', 'GetCaCertificate'] + (
        ['InactivateCaCertificate'] if changed else [])
    assert len(by_fingerprint(instance_cas(), ca)) == 1


def test_a_refused_registration_of_a_ca_that_is_not_there_fails_with_the_refusal(run, instance_cas):
    ca = new_ca()
    task = run(('GetRegisterCode', answer({'RequestId': 'R-CODE', 'RegisterCode': 'not-the-code'})))
    with pytest.raises(ApiError, match=r'^RegisterCaCertificate failed: RegisterCodeError'):
        task.ensure(registering(ca))
    assert task.actions == ['ListCaCertificate', 'GetRegisterCode', 'RegisterCaCertificate', 'ListCaCertificate']
    assert task.lifecycle.outcome() == {'changed': False, 'certificate': None} and by_fingerprint(instance_cas(), ca) == []


# --- items 7 and 8: refused before any request -----------------------------------------------------------------------------------

@pytest.mark.parametrize('case, message', [
    ('leaf', r'^ca_pem is not a CA certificate: it has no basic constraints extension'),
    ('expired', r'^ca_pem expired on \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: no device can authenticate under it'),
    ('blank name', r"^name is blank; a CA's name needs a character that is not a space$"),
    ('line break in name', r"^name 'fleet\\n2027' holds a control character"),
    ('long name', r"^name 'x{20}\.\.\.' is 100000 characters long; a CA's name has at most 64 characters$"),
])
def test_a_leaf_an_expired_ca_and_a_bad_name_are_refused_before_any_request(pki, case, message):
    ca = new_ca()
    wanted = {
        'leaf': WantedCa(ca_pem=pki.pem(pki.leaf), name='leaf'),
        'expired': WantedCa(ca_pem=new_ca(not_after=NOW - datetime.timedelta(days=1))[0], name='expired'),
        'blank name': registering(ca, name='   '),
        'line break in name': registering(ca, name='fleet\n2027'),
        'long name': registering(ca, name='x' * 100000),
    }[case]
    lifecycle = CaLifecycle(lambda: pytest.fail('a request was about to be sent'), INSTANCE, NOW, pytest.fail)
    with pytest.raises(ApsaraMQError, match=message):
        lifecycle.ensure(wanted)


def test_an_expired_ca_may_still_be_deleted_by_its_certificate(run):
    expired = new_ca(not_after=NOW - datetime.timedelta(days=1))
    task = run()
    assert task.ensure(WantedCa(state='absent', ca_pem=expired[0]))[0] is False and task.actions == ['ListCaCertificate']


# --- item 10: the diff of a forced deletion counts the device certificates ------------------------------------------------------

@pytest.mark.parametrize('diff, actions', [(True, ['GetCaCertificate', 'ListDeviceCertificateByCaSn', 'DeleteCaCertificate']),
                                           (False, ['GetCaCertificate', 'DeleteCaCertificate'])])
def test_the_diff_of_a_forced_deletion_says_how_many_device_certificates_go_with_the_ca(run, server, diff, actions):
    devices = [entry for entry in server.fixtures['instances'][INSTANCE]['device_certificates'] if entry['data']['CaSn'] == OTHER_CA]
    task = run(diff=diff)
    changed, dummy, result_diff = task.ensure(WantedCa(state='absent', sn=OTHER_CA, force=True))
    assert changed and task.actions == actions
    assert result_diff['before'].get('device_certificates') == (len(devices) if diff else None) and len(devices) == 2


def test_a_count_that_is_no_total_is_shown_as_a_lower_bound(run):
    page = {'RequestId': 'R-PAGE', 'Data': {'DeviceCertificateVOS': [{'DeviceSn': 'd1'}]}}
    task = run(('ListDeviceCertificateByCaSn', answer(page)), check_mode=True, diff=True)
    assert task.ensure(WantedCa(state='absent', sn=OTHER_CA, force=True))[2]['before']['device_certificates'] == 'at least 1'
