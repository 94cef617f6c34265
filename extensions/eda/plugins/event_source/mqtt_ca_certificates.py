# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""An ansible-rulebook event source: the changes of an ApsaraMQ for MQTT instance's CA certificates, polled."""

import asyncio
import os
import sys
from typing import Any

DOCUMENTATION = r"""
---
short_description: Watch the CA certificates of an ApsaraMQ for MQTT instance
description:
  - Polls the CA certificates registered with an ApsaraMQ for MQTT instance every O(interval) seconds, and puts one event on
    the queue for each change it sees - a CA registered, deleted, activated or inactivated, crossing one of
    O(expiry_thresholds), or expired - and, with O(include_device_certificates), for device certificates registered,
    deleted, activated or inactivated.
  - What it saw is kept in memory, and in O(state_file) when given. The first poll reports each CA already expired or
    past a threshold, once (with the tightest threshold it is past), and nothing else; a CA registered later is reported
    the same way. Each threshold is reported once per CA; a CA whose end changes is watched anew.
  - Each event is a dict under the key C(apsaramq) with C(type), C(instance_id), C(sn), C(name), C(status), C(valid_end)
    (ISO 8601, UTC), C(days_remaining) (whole days left, by the clock of the host it runs on), C(threshold) (of a
    C(ca_expiring) event, else null) and C(previous_status) (of a C(*_status_changed) event, else null). Device
    certificate events also carry C(device_sn) and C(ca_sn); their C(sn) is C(device_sn), deprecated there, and will be
    removed from device certificate events in the next major release. The types are C(ca_registered), C(ca_deleted),
    C(ca_status_changed), C(ca_expiring), C(ca_expired), C(device_certificate_registered),
    C(device_certificate_status_changed) and C(device_certificate_deleted).
  - A listing by page number shifts while CAs and devices are deleted or registered. A CA or device certificate missing
    from one poll's listing is asked for by its SN (C(GetCaCertificate), C(GetDeviceCertificate)) before it is reported
    deleted, and a device certificate whose CA is gone is gone with it; one that was only shifted out of the listing is
    kept, and gives no event.
  - A poll that fails (throttling beyond the retries, a timeout, an API error, no credentials) is logged in one line,
    without any secret, and the next poll comes after O(interval) as usual; the source never stops on an API error.
    Arguments that no poll could work with stop it at once, in one line; so do settings with which the first poll
    could not even be sent (no credentials found, no region and no endpoint).
  - It takes the connection and credential options of the collection's modules, with the same names, aliases, defaults
    and environment variables, described in the doc fragment alibabacloud.apsaramq.connection - region, endpoint,
    vpc_endpoint, access_key_id, access_key_secret, security_token, profile, shared_credentials_file, assume_role_arn,
    assume_role_session_name, assume_role_duration, sts_endpoint, ecs_role_name, signature_algorithm, validate_certs,
    ca_bundle, proxy, timeout and retries. The credentials are looked for again at each poll, so that temporary ones
    (STS, the ECS instance's role) are renewed.
  - Needs ansible-core and the Python library C(cryptography) in the Python that runs ansible-rulebook, as the modules do.
options:
  instance_id:
    description:
      - ID of the ApsaraMQ for MQTT instance, for example V(post-cn-7mz2d000000).
    type: str
    required: true
    aliases: [mqtt_instance_id]
  interval:
    description:
      - Seconds to wait after each poll before the next. Each poll lists every CA (one request per 100 CAs).
    type: float
    default: 300
  expiry_thresholds:
    description:
      - Days before a CA's end at which to send C(ca_expiring), once each. A CA is past a threshold when its whole days
        remaining are at most the threshold.
    type: list
    elements: int
    default: [30, 7, 1]
  include_device_certificates:
    description:
      - Also watch the instance's device certificates (one request per 100), for the C(device_certificate_*) events.
      - Of each device only its SN, its CA's SN, its name, its status and its end are kept between polls, from the API's
        fields; the certificates are not parsed.
    type: bool
    default: false
  state_file:
    description:
      - A file where the source keeps what it saw and reported, written after each poll (a new file beside it, renamed
        over it), so that a restarted source (an EDA controller restarts activations on failure and upgrade) reports only
        what changed since it stopped, not a C(ca_expiring) it already sent. Without it, a restarted source starts from a
        first poll.
      - The file is the source's own; one source per file. A file that cannot be read, or was not written by this source
        for this O(instance_id), stops the source in one line and is left as it is; a directory that does not exist or
        cannot be written stops it before the first poll. A write that fails is logged and tried again after the next poll.
    type: path
"""

EXAMPLES = r"""
- name: React to the CAs of the fleet's MQTT instance
  hosts: localhost
  sources:
    - alibabacloud.apsaramq.mqtt_ca_certificates:
        instance_id: post-cn-7mz2d000000
        region: cn-hangzhou
        interval: 600
        expiry_thresholds: [30, 7]
        state_file: /var/lib/eda/ca-watch-state.json
  rules:
    - name: Warn at 30 days
      condition: event.apsaramq.type == "ca_expiring" and event.apsaramq.threshold == 30
      action:
        debug:
          msg: "CA {{ event.apsaramq.sn }} ends in {{ event.apsaramq.days_remaining }} days"
    - name: Rotate at 7 days
      condition: event.apsaramq.type == "ca_expiring" and event.apsaramq.threshold == 7
      action:
        run_playbook:
          name: ca-rotation.yml
"""

USAGE = ('usage: %s [-h] INSTANCE_ID [ENDPOINT]: prints the events of the ApsaraMQ for MQTT instance INSTANCE_ID as lines of JSON, '
         'polling every 30 s, with the credentials and the region in the environment (ALIBABA_CLOUD_ACCESS_KEY_ID, '
         'ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_REGION_ID); run it with the Python of ansible-core')


def _ansible_missing(exc: ImportError) -> bool:
    return (exc.name or "").split(".")[0] == "ansible"


def _no_ansible(exc: ImportError) -> str:
    return ('mqtt_ca_certificates needs ansible-core in the Python that runs it, and %s has none (%s): run it with the Python '
            'of ansible-rulebook and ansible-core (the first line of the file that `command -v ansible-rulebook` names)' % (sys.executable, exc))


try:
    try:
        from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._event_source import watch
    except ImportError as exc:
        if _ansible_missing(exc):
            raise
        # ansible-rulebook runs a source as a file (runpy.run_path), with no collection loader: the collection's
        # module_utils are found from the collections directory this file was installed in.
        sys.path.append(os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 7)))
        from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._event_source import watch
except ImportError as exc:
    if not _ansible_missing(exc):
        raise
    if __name__ == '__main__':
        sys.exit(_no_ansible(exc))
    raise ImportError(_no_ansible(exc)) from None


async def main(queue: asyncio.Queue, args: dict[str, Any], clock: Any = None) -> None:
    """Put an event on ``queue`` for each change of the CAs of ``args['instance_id']``, until cancelled.

    ``clock`` (now_ms() and an async sleep(seconds)) is the real one unless a test gives its own.
    """
    await watch(queue, args, clock)


if __name__ == "__main__":
    # By hand (USAGE): the events are printed as they come.
    import json
    import logging

    class PrintingQueue:
        async def put(self, event: dict[str, Any]) -> None:
            print(json.dumps(event), flush=True)

    if sys.argv[1:] in (["-h"], ["--help"]):
        print(USAGE % sys.argv[0])
        sys.exit(0)
    if len(sys.argv) not in (2, 3) or any(argument.startswith("-") for argument in sys.argv[1:]):
        sys.exit(USAGE % sys.argv[0])
    logging.basicConfig(level=logging.INFO)
    by_hand: dict[str, Any] = {"instance_id": sys.argv[1], "interval": 30}
    if len(sys.argv) > 2:
        by_hand["endpoint"] = sys.argv[2]
    try:
        asyncio.run(main(PrintingQueue(), by_hand))
    except (ValueError, RuntimeError) as exc:  # arguments or settings no poll could work with: one line, as ansible-rulebook shows it
        sys.exit(str(exc))
    except KeyboardInterrupt:
        sys.exit(130)
