# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The connection options' argument spec says what the doc fragment documents, for every adapter that takes it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import yaml

from ansible_collections.alibabacloud.apsaramq.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._arguments import CONNECTION_ARGUMENT_SPEC
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._connection import SECRET_OPTIONS


def test_the_spec_is_the_doc_fragments_options_with_their_types_defaults_and_aliases():
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    assert sorted(documented) == sorted(CONNECTION_ARGUMENT_SPEC)
    for name, spec in CONNECTION_ARGUMENT_SPEC.items():
        option = documented[name]
        assert (option.get('type', 'str'), option.get('default'), sorted(option.get('aliases', []))) == \
            (spec['type'], spec.get('default'), sorted(spec.get('aliases', []))), name


def test_the_secrets_and_the_proxy_are_no_log_and_the_key_id_is_not():
    assert sorted(name for name, spec in CONNECTION_ARGUMENT_SPEC.items() if spec.get('no_log')) == sorted(SECRET_OPTIONS + ('proxy',))
    assert CONNECTION_ARGUMENT_SPEC['access_key_id']['no_log'] is False
