# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The device certificates of an instance that expire within DAYS, with Alibaba Cloud's official Python SDK: the loop
its ListDeviceCertificate makes a user write, one page after the other, filtering as the pages come.

    python audit_sdk.py HOST:PORT INSTANCE_ID DAYS     (keys from ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET; plain http)

Keeps those with fewer whole days remaining than DAYS, expired ones included, as mqtt_device_certificate_info's
expires_within_days does; pages until a short page, as the collection does (Total is not trusted). Prints the kept
device SNs, in API order, as a JSON list; parses no certificate.
"""

import json
import sys
import time

from alibabacloud_credentials.client import Client as CredentialClient
from alibabacloud_onsmqtt20200420 import models as onsmqtt_models
from alibabacloud_onsmqtt20200420.client import Client
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_util import models as util_models

PAGE_SIZE = 100  # the API's largest
MS_PER_DAY = 86400000


def main():
    endpoint, instance_id, days = sys.argv[1], sys.argv[2], int(sys.argv[3])
    client = Client(open_api_models.Config(credential=CredentialClient(), endpoint=endpoint, protocol='http'))
    now_ms = int(time.time() * 1000)
    expiring, page_no = [], 1
    while True:
        request = onsmqtt_models.ListDeviceCertificateRequest(mqtt_instance_id=instance_id, page_no=str(page_no), page_size=str(PAGE_SIZE))
        page = client.list_device_certificate_with_options(request, util_models.RuntimeOptions()).body.data.device_certificate_vos or []
        expiring.extend(device.device_sn for device in page if (int(device.valid_end) - now_ms) // MS_PER_DAY < days)
        if len(page) < PAGE_SIZE:
            break
        page_no += 1
    print(json.dumps(expiring))


if __name__ == '__main__':
    main()
