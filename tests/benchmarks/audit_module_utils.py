# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""An audit of an instance's device certificates through the collection's module_utils, each step timed: where the time
of mqtt_device_certificate_info goes, without Ansible around it.

    python audit_module_utils.py HOST:PORT INSTANCE_ID [DAYS]     (keys from ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET; plain http)

The module's steps with its defaults (max_concurrency 16), expires_within_days DAYS when given: the listing (the
requests, their answers decoded and filtered as the pages arrive), the kept certificates described (parsed), and the
JSON the module would print. Prints {count, requests, seconds: {imports, listing, describing, json}}.
"""

import time

STARTED = time.perf_counter()

# pylint: disable=wrong-import-position
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._connection import Connection  # noqa: E402
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._device_certificate import audit_filter, describe_devices  # noqa: E402
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._onsmqtt import list_device_certificates  # noqa: E402

MAX_CONCURRENCY = 16  # the module's default


def main():
    endpoint, instance_id = sys.argv[1:3]
    days = int(sys.argv[3]) if len(sys.argv) > 3 else None
    seconds = {'imports': time.perf_counter() - STARTED}
    client = Connection({'endpoint': 'http://' + endpoint}, os.environ).onsmqtt_client(max_connections=MAX_CONCURRENCY)
    now_ms = int(time.time() * 1000)
    started = time.perf_counter()
    answers = list_device_certificates(client, instance_id, None, MAX_CONCURRENCY, audit_filter(None, days, now_ms))
    seconds['listing'] = time.perf_counter() - started
    started = time.perf_counter()
    certificates, warnings = describe_devices(answers, now_ms)
    seconds['describing'] = time.perf_counter() - started
    started = time.perf_counter()
    output = json.dumps({'changed': False, 'device_certificates': certificates, 'warnings': warnings})
    seconds['json'] = time.perf_counter() - started
    print(json.dumps({'count': len(certificates), 'json_bytes': len(output), 'seconds': seconds}))


if __name__ == '__main__':
    main()
