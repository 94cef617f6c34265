# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The event source's polls with include_device_certificates, through the collection's module_utils, each timed: what a
poll of a fleet costs, without ansible-rulebook around it (the source runs one poll at a time, in one thread).

    python event_source_poll.py HOST:PORT INSTANCE_ID POLLS [STATE_FILE]   (keys from ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET; plain http)

The first poll sees the fleet; the next ones see it unchanged, as most polls do. With STATE_FILE, the state is written
after each poll as the source writes it, and timed. Prints {devices, events, seconds: [each poll], cpu_seconds: [the
process's CPU time in each poll], state_seconds: [...], max_rss_kib} (the peak RSS of the process, as getrusage tells it).
"""

import json
import os
import resource
import sys
import time

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ca_watch import CaWatch
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._connection import Connection


def main():
    endpoint, instance_id, polls = sys.argv[1], sys.argv[2], int(sys.argv[3])
    state_file = sys.argv[4] if len(sys.argv) > 4 else None
    watch = CaWatch(instance_id, [30, 7, 1], include_device_certificates=True)
    seconds, cpu_seconds, state_seconds, events = [], [], [], []
    for dummy in range(polls):
        client = Connection({'endpoint': 'http://' + endpoint}, os.environ).onsmqtt_client()  # one per poll, as the source's
        started, started_cpu = time.perf_counter(), time.process_time()
        found, dummy_warnings = watch.look(client, int(time.time() * 1000))
        seconds.append(time.perf_counter() - started)
        cpu_seconds.append(time.process_time() - started_cpu)
        events.append(len(found))
        if state_file:
            from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._event_source import save_state
            started = time.perf_counter()
            save_state(watch, state_file)
            state_seconds.append(time.perf_counter() - started)
    # What the watch keeps: {ca_sn: {device_sn: entry}}, or {(ca_sn, device_sn): facts} in the collection before issue 21.
    kept = watch._devices  # pylint: disable=protected-access
    devices = len(kept) if any(isinstance(key, tuple) for key in kept) else sum(len(of_ca) for of_ca in kept.values())
    print(json.dumps({'devices': devices, 'events': events, 'seconds': seconds, 'cpu_seconds': cpu_seconds, 'state_seconds': state_seconds,
                      'max_rss_kib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


if __name__ == '__main__':
    main()
