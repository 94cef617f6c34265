# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The event source's adapter on the connection path (_connection.py): its arguments checked as Ansible checks a
module's options, one Connection per poll run off the event loop, the events onto the queue, a failed poll told in
one log line without a secret, and what was reported kept in ``state_file`` across restarts. The event source
mqtt_ca_certificates is a thin file around ``watch``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import json
import logging
import math
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ca_certificate_info import check_lookup
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ca_watch import CaWatch
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._certificate import CryptographyMissing
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC, Connection, check_options
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._credentials import MODULE_DEFAULTS_HINT
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApiError, ApsaraMQError, one_line
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._http import TransportError

SOURCE = 'mqtt_ca_certificates'
SOURCE_ARGUMENT_SPEC = dict(
    CONNECTION_ARGUMENT_SPEC,
    instance_id=dict(type='str', required=True, aliases=['mqtt_instance_id']),
    interval=dict(type='float', default=300.0),
    expiry_thresholds=dict(type='list', elements='int', default=[30, 7, 1]),
    include_device_certificates=dict(type='bool', default=False),
    state_file=dict(type='path'),
)
# What ansible-rulebook adds to a source's arguments on its own.
RULEBOOK_ARGUMENTS = ('eda_feedback_queue',)
# What a state file says of itself, so that no other file is ever taken for one (or overwritten).
STATE_FORMAT = {'source': 'alibabacloud.apsaramq.' + SOURCE, 'version': 1}
SOURCE_ARGUMENTS_HINT = "in the source's arguments (access_key_id and access_key_secret, profile, ...) or in the environment of ansible-rulebook"

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


class Unworkable(ApsaraMQError):
    """The connection could not be set up for what it was given (no credentials anywhere, no region nor endpoint, a
    profile that cannot be read): not a failure of the network or of the API, which a later poll may not meet."""


def _check_state_file(path):
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise ValueError('%s: state_file %s is a directory; give the path of a file' % (SOURCE, path))
    if not os.path.isdir(directory):
        raise ValueError('%s: state_file %s: the directory %s does not exist' % (SOURCE, path, directory))
    if not os.access(directory, os.W_OK | os.X_OK):
        raise ValueError('%s: state_file %s: the directory %s is not writable, and the file is replaced after each poll'
                         % (SOURCE, path, directory))


def load_state(ca_watch, path):
    """Restore ``ca_watch`` from the state file at ``path``, when there is one; ValueError in one line when it cannot be
    read or was not written by this source for this instance (it is left as it is: the source stops), or could never be
    written."""
    _check_state_file(path)
    try:
        with open(path, encoding='utf-8') as stream:
            document = json.load(stream)
    except FileNotFoundError:
        return False
    except (OSError, ValueError) as exc:
        raise ValueError('%s: state_file %s cannot be read (%s); it is left as it is: remove it to start afresh, or give another path'
                         % (SOURCE, path, one_line(getattr(exc, 'strerror', None) or str(exc)))) from None
    if not isinstance(document, dict) or {name: document.get(name) for name in STATE_FORMAT} != STATE_FORMAT:
        raise ValueError('%s: state_file %s is not a state file of this source (version %d); it is left as it is: give another path'
                         % (SOURCE, path, STATE_FORMAT['version']))
    if document.get('instance_id') != ca_watch.instance_id:
        raise ValueError('%s: state_file %s is the state of instance %s, not %s: give each source its own state_file'
                         % (SOURCE, path, document.get('instance_id'), ca_watch.instance_id))
    try:
        ca_watch.restore(document.get('state'))
    except ValueError as exc:
        raise ValueError('%s: state_file %s: %s; it is left as it is: remove it to start afresh' % (SOURCE, path, one_line(str(exc)))) from None
    return True


def save_state(ca_watch, path):
    """Write what ``ca_watch`` saw to ``path`` atomically (a file beside it, then renamed over it): a source stopped
    mid-write leaves the previous state whole. OSError when it cannot."""
    state = ca_watch.state()
    if state is None:
        return
    document = dict(STATE_FORMAT, instance_id=ca_watch.instance_id, state=state)
    directory, name = os.path.split(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(prefix='.%s.' % name, suffix='.tmp', dir=directory)
    try:
        with os.fdopen(descriptor, 'w', encoding='utf-8') as stream:
            json.dump(document, stream, separators=(',', ':'))
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


async def watch(queue, args, clock=None, environ=None):
    """Poll the instance's CAs every ``interval`` seconds, forever, putting one event on ``queue`` for each change."""
    options, secrets = check_arguments(args)
    clock = clock or Clock()
    environ = os.environ if environ is None else environ
    ca_watch = CaWatch(options['instance_id'], options['expiry_thresholds'], options['include_device_certificates'])
    state_file = options['state_file']
    if state_file is not None and load_state(ca_watch, state_file):
        logger.info('%s: resumed from state_file %s', SOURCE, state_file)
    # One thread of its own: a poll still waiting on the network when the source is cancelled is left behind, not awaited.
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=SOURCE)
    loop = asyncio.get_running_loop()
    told = set()
    polled = False
    try:
        while True:
            notes = []
            try:
                events = await loop.run_in_executor(executor, _poll, ca_watch, options, environ, clock.now_ms(), notes, secrets)
            except Unworkable as exc:
                if not polled:  # settings that never gave a poll: no later poll would do better
                    raise ValueError(_masked('%s: %s' % (SOURCE, one_line(str(exc))), secrets)) from None
                events = _failed(options, exc, secrets)
            except ApsaraMQError as exc:
                events = _failed(options, exc, secrets)
            except CryptographyMissing:
                raise RuntimeError('%s needs the Python library cryptography to read certificates: install it where '
                                   'ansible-rulebook runs (the collection\'s requirements.txt)' % SOURCE) from None
            else:
                polled = True
                logger.debug('%s: polled instance %s, %d events', SOURCE, options['instance_id'], len(events))
            for note in dict.fromkeys(notes):
                if note not in told:  # each poll would repeat it
                    told.add(note)
                    logger.warning(_masked('%s: %s' % (SOURCE, one_line(note)), secrets))
            for event in events or ():
                await queue.put(event)
            if state_file is not None and events is not None:
                # After the events are on the queue: a source stopped in between tells them again, rather than never.
                try:
                    await loop.run_in_executor(executor, save_state, ca_watch, state_file)
                except OSError as exc:
                    logger.warning('%s: state_file %s could not be written, tried again after the next poll: %s',
                                   SOURCE, state_file, one_line(exc.strerror or str(exc)))
            await clock.sleep(options['interval'])
    finally:
        executor.shutdown(wait=False, cancel_futures=True)


def _failed(options, exc, secrets):
    """None (no events, nothing to keep), once the failed poll is told in one log line."""
    logger.warning(_masked('%s: the poll of instance %s failed, tried again in %g s: %s'
                           % (SOURCE, options['instance_id'], options['interval'], one_line(str(exc))), secrets))
    return None


def _poll(ca_watch, options, environ, now_ms, notes, secrets):
    """One look with a new Connection (credentials that expire, such as STS keys, are asked for again each time)."""
    connection = Connection(options, environ, notes.append)
    try:
        try:
            client = connection.onsmqtt_client()
        except (ApiError, TransportError):
            raise
        except ApsaraMQError as exc:
            if exc.retryable:
                raise
            # The credential chain's message names the modules' module_defaults; the source takes its own arguments.
            raise Unworkable(str(exc).replace(MODULE_DEFAULTS_HINT, SOURCE_ARGUMENTS_HINT)) from None
        events, warnings = ca_watch.look(client, now_ms)
    finally:
        secrets.update(connection.secrets)
    notes.extend(warnings)
    return events


def _masked(text, secrets):
    return remove_values(text, secrets) if secrets else text
