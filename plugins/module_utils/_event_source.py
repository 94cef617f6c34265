# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The event source's adapter on the connection path (_connection.py): its arguments checked as Ansible checks a
module's options, one Connection per poll run off the event loop, the events onto the queue, and a failed poll told in
one log line without a secret. The event source mqtt_ca_certificates is a thin file around ``watch``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import logging
import math
import os
import time
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ca_certificate_info import check_lookup
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ca_watch import CaWatch
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._certificate import CryptographyMissing
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC, Connection, check_options
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError, one_line

SOURCE = 'mqtt_ca_certificates'
SOURCE_ARGUMENT_SPEC = dict(
    CONNECTION_ARGUMENT_SPEC,
    instance_id=dict(type='str', required=True, aliases=['mqtt_instance_id']),
    interval=dict(type='float', default=300.0),
    expiry_thresholds=dict(type='list', elements='int', default=[30, 7, 1]),
    include_device_certificates=dict(type='bool', default=False),
)
# What ansible-rulebook adds to a source's arguments on its own.
RULEBOOK_ARGUMENTS = ('eda_feedback_queue',)

logger = logging.getLogger('alibabacloud.apsaramq.' + SOURCE)


class Clock:
    """The source's time: now, which expiry is counted from, and the wait between polls. Tests give one they can move."""

    def now_ms(self):
        return int(time.time() * 1000)

    async def sleep(self, seconds):
        await asyncio.sleep(seconds)


def check_arguments(args):
    """``(options, secrets)``: the validated arguments, defaults filled in, and the values never to show. Raises
    ValueError in one line for arguments no poll could work with, before any request."""
    args = {name: value for name, value in args.items() if name not in RULEBOOK_ARGUMENTS}
    result = ArgumentSpecValidator(SOURCE_ARGUMENT_SPEC).validate(args)
    secrets = set(result._no_log_values)  # pylint: disable=protected-access  # the one list of no_log values Ansible keeps
    if result.unsupported_parameters:
        unknown = ', '.join(sorted(result.unsupported_parameters))
        raise ValueError('%s: unknown argument %s; it takes %s' % (SOURCE, unknown, ', '.join(sorted(SOURCE_ARGUMENT_SPEC))))
    if result.error_messages:
        raise ValueError(_masked('%s: %s' % (SOURCE, '; '.join(result.error_messages)), secrets))
    options = result.validated_parameters
    if not 0 < options['interval'] < math.inf:  # also false for nan
        raise ValueError('%s: interval must be a number of seconds above 0, got %s' % (SOURCE, options['interval']))
    negative = [threshold for threshold in options['expiry_thresholds'] if threshold < 0]
    if negative or not options['expiry_thresholds']:
        raise ValueError('%s: expiry_thresholds must be one or more numbers of days, 0 or more, got %s' % (SOURCE, options['expiry_thresholds']))
    try:
        check_lookup(options['instance_id'], None, 1)
        check_options(options)
    except ApsaraMQError as exc:
        raise ValueError('%s: %s' % (SOURCE, exc)) from None
    return options, secrets


async def watch(queue, args, clock=None, environ=None):
    """Poll the instance's CAs every ``interval`` seconds, forever, putting one event on ``queue`` for each change."""
    options, secrets = check_arguments(args)
    clock = clock or Clock()
    environ = os.environ if environ is None else environ
    ca_watch = CaWatch(options['instance_id'], options['expiry_thresholds'], options['include_device_certificates'])
    # One thread of its own: a poll still waiting on the network when the source is cancelled is left behind, not awaited.
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=SOURCE)
    loop = asyncio.get_running_loop()
    told = set()
    try:
        while True:
            notes = []
            try:
                events = await loop.run_in_executor(executor, _poll, ca_watch, options, environ, clock.now_ms(), notes, secrets)
            except ApsaraMQError as exc:
                events = []
                logger.warning(_masked('%s: the poll of instance %s failed, tried again in %g s: %s'
                                       % (SOURCE, options['instance_id'], options['interval'], one_line(str(exc))), secrets))
            except CryptographyMissing:
                raise RuntimeError('%s needs the Python library cryptography to read certificates: install it where '
                                   'ansible-rulebook runs (the collection\'s requirements.txt)' % SOURCE) from None
            else:
                logger.debug('%s: polled instance %s, %d events', SOURCE, options['instance_id'], len(events))
            for note in dict.fromkeys(notes):
                if note not in told:  # each poll would repeat it
                    told.add(note)
                    logger.warning(_masked('%s: %s' % (SOURCE, one_line(note)), secrets))
            for event in events:
                await queue.put(event)
            await clock.sleep(options['interval'])
    finally:
        executor.shutdown(wait=False, cancel_futures=True)


def _poll(ca_watch, options, environ, now_ms, notes, secrets):
    """One look with a new Connection (credentials that expire, such as STS keys, are asked for again each time)."""
    connection = Connection(options, environ, notes.append)
    try:
        events, warnings = ca_watch.look(connection.onsmqtt_client(), now_ms)
    finally:
        secrets.update(connection.secrets)
    notes.extend(warnings)
    return events


def _masked(text, secrets):
    return remove_values(text, secrets) if secrets else text
