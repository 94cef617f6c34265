# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    # The attributes of every module, with the action group they all belong to; each module adds its own support,
    # an info module with INFO_MODULE.
    DOCUMENTATION = r"""
options: {}
attributes:
  action_group:
    description:
      - Use C(group/alibabacloud.apsaramq.apsaramq) in C(module_defaults) to set the connection and credential options
        once for every module of the collection.
    support: full
    membership:
      - alibabacloud.apsaramq.apsaramq
  check_mode:
    description: Can run in check mode and report what would change, without changing it.
  diff_mode:
    description: Returns what changed, or would change in check mode, as C(diff).
  idempotent:
    description: A second run with the same options changes nothing and reports no change.
"""

    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details: The module changes nothing, so check mode returns the same facts.
  diff_mode:
    support: N/A
    details: The module changes nothing.
  idempotent:
    support: full
    details: The module changes nothing.
"""
