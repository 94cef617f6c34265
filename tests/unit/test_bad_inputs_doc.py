# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""docs/bad-inputs.md is a promise: every test it names exists, so renaming or deleting one fails here."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGE = ROOT / 'docs' / 'bad-inputs.md'
SHORTHANDS = {
    'faults': 'unit/plugins/modules/test_mqtt_ca_certificate_info_faults.py',
    'module': 'unit/plugins/modules/test_mqtt_ca_certificate_info.py',
    'lifecycle': 'unit/plugins/modules/test_mqtt_ca_certificate.py',
    'device_info': 'unit/plugins/modules/test_mqtt_device_certificate_info.py',
    'devices': 'unit/plugins/modules/test_mqtt_device_certificate.py',
    'devices.yml': 'integration/targets/mqtt_device_certificate/tasks/failures.yml',
    'utils/': 'unit/plugins/module_utils/',
    'modules/': 'unit/plugins/modules/',
    'failures.yml': 'integration/targets/mqtt_ca_certificate_info/tasks/failures.yml',
    'molecule/': '../extensions/molecule/',
}
REFERENCE = re.compile(r'`([^`\s]*(?:::\w+|\.py|\.yml))`')


def referenced_tests():
    """``(file, test name or None)`` for every reference in the page's table rows; ``::name`` continues the file before it."""
    references = []
    for line in PAGE.read_text(encoding='utf-8').splitlines():
        if not line.startswith('| ') or line.startswith('| ---'):
            continue
        proof = line.rstrip(' |').rsplit(' | ', 1)[-1]
        current = None
        for text in REFERENCE.findall(proof):
            path, _separator, name = text.partition('::')
            if path:
                for short, full in SHORTHANDS.items():
                    if path == short or (short.endswith('/') and path.startswith(short)):
                        path = full + path[len(short):]
                        break
                current = path
            references.append((current, name or None))
    return references


def test_every_test_the_page_names_exists():
    references = referenced_tests()
    assert len(references) > 60
    missing = []
    for path, name in references:
        source = ROOT / 'tests' / path
        if not source.is_file():
            missing.append(path)
        elif name and not re.search(r'^def %s\(' % re.escape(name), source.read_text(encoding='utf-8'), re.M):
            missing.append('%s::%s' % (path, name))
    assert missing == []
