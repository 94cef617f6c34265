# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One CA lookup through the collection's module_utils, the module's own code path without Ansible around it.

    python lookup_module_utils.py HOST:PORT INSTANCE_ID SN     (keys from ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET; plain http)

The same steps as mqtt_ca_certificate_info after its argument checks, with the module's defaults: credentials
resolved from the environment, one signed GetCaCertificate, the certificates parsed and described. Prints the
facts as JSON. Needs the collection importable (PYTHONPATH with the collections root).
"""

import json
import os
import sys
import time

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ca_certificate_info import ca_certificate_facts, check_lookup
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._connection import Connection

MAX_CONCURRENCY = 16  # the module's default


def main():
    endpoint, instance_id, sn = sys.argv[1:4]
    check_lookup(instance_id, [sn], MAX_CONCURRENCY)
    client = Connection({'endpoint': 'http://' + endpoint}, os.environ).onsmqtt_client(max_connections=MAX_CONCURRENCY)
    certificates, warnings = ca_certificate_facts(client, instance_id, [sn], int(time.time() * 1000), MAX_CONCURRENCY)
    print(json.dumps({'certificates': certificates, 'warnings': warnings}))


if __name__ == '__main__':
    main()
