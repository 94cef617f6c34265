# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    # The options the modules share, with their argument spec in module_utils/_module.py (SHARED_ARGUMENT_SPEC):
    # every module has instance_id; a module that sends several requests at once adds one of the max_concurrency
    # sections, the one that says what its requests are. Each section is a plain string: ansible-test's yamllint reads
    # them from the source.
    DOCUMENTATION = r"""
options:
  instance_id:
    description: ID of the ApsaraMQ for MQTT instance, for example V(post-cn-7mz2d000000).
    type: str
    required: true
    aliases: [mqtt_instance_id]
"""

    # Requests for the serial numbers a task names, one each.
    MAX_CONCURRENCY = r"""
options:
  max_concurrency:
    description:
      - How many requests may be in flight at once, for the serial numbers the task names.
      - The Alibaba Cloud account allows 500 calls per second for all its clients together.
    type: int
    default: 16
"""

    # The same, and the pages of a listing.
    MAX_CONCURRENCY_AND_PAGES = r"""
options:
  max_concurrency:
    description:
      - How many requests may be in flight at once, for the serial numbers the task names and for the pages of a listing.
      - The Alibaba Cloud account allows 500 calls per second for all its clients together.
    type: int
    default: 16
"""
