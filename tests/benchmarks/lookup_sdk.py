# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One CA lookup with Alibaba Cloud's official Python SDK, as its OpenAPI samples write it: what a user would script instead.

    python lookup_sdk.py HOST:PORT INSTANCE_ID SN     (keys from ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET; plain http)

The default credential chain reads the keys from the environment, as lookup_module_utils.py does. Prints the API's
Data object as JSON; parses no certificate. bench.py runs it in a venv with alibabacloud_onsmqtt20200420.
"""

import json
import sys

from alibabacloud_credentials.client import Client as CredentialClient
from alibabacloud_onsmqtt20200420 import models as onsmqtt_models
from alibabacloud_onsmqtt20200420.client import Client
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_util import models as util_models


def main():
    endpoint, instance_id, sn = sys.argv[1:4]
    config = open_api_models.Config(credential=CredentialClient(), endpoint=endpoint, protocol='http')
    request = onsmqtt_models.GetCaCertificateRequest(mqtt_instance_id=instance_id, sn=sn)
    response = Client(config).get_ca_certificate_with_options(request, util_models.RuntimeOptions())
    print(json.dumps(response.body.data.to_map()))


if __name__ == '__main__':
    main()
