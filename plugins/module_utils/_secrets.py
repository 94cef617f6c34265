# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Secrets short enough to be masked wrongly.

Ansible masks every occurrence of a secret in a task's result: a one-character test secret such as ``A`` turned
``-----BEGIN CERTIFICATE-----`` into ``-----BEGIN CERTIFIC********TE-----`` in a certificate that was then written
to disk. No real access key secret or token is that short (access key secrets have 30 characters, STS tokens
hundreds), so short ones are refused before they can mangle anything.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError

MIN_SECRET_CHARACTERS = 16


def check_secret(value, name):
    """Refuse ``value`` when it is too short to be masked safely; ``name`` names it (never the value) in the message."""
    if isinstance(value, str) and 0 < len(value) < MIN_SECRET_CHARACTERS:
        raise ApsaraMQError('%s is %d character%s long, too short to be a real one (at least %d; Alibaba Cloud access key secrets have 30): '
                            'a secret that short would be masked inside certificates and messages too'
                            % (name, len(value), '' if len(value) == 1 else 's', MIN_SECRET_CHARACTERS))
