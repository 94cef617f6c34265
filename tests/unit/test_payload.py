# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Each module's AnsiballZ payload holds no more of the collection than it does today.

The controller packs, with a module, every module_utils file the module names and, recursively, every one those name,
wherever they name it (an import inside a function counts: the finder reads the source, it does not run it). Each file
is work for every task: zipped, sent, unzipped and, when imported, compiled. The payload is built here by ansible-core's
own finder (``recursive_finder`` of ``ansible.executor.module_common``), in a process of its own so that its collection
loader stays out of the tests' process, and the collection's module_utils files in it (their package ``__init__.py``
files left out) are counted and their bytes summed.

The limits are the numbers measured on 2026-12-07 (ansible-core 2.21.5): the files exactly, so that any module_utils file
a module gains fails here, and the bytes with about 3% headroom for fixes inside the files it has. A module that needs
more should say why in the commit that raises its limit.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import pathlib
import subprocess
import sys

import pytest

COLLECTION = pathlib.Path(__file__).resolve().parents[2]
COLLECTIONS_ROOT = COLLECTION.parents[2]
MODULE_UTILS = 'ansible_collections/alibabacloud/apsaramq/plugins/module_utils/'

# module: (module_utils files, their bytes); measured: 19 / 152,039, 19 / 135,076, 20 / 146,448, 19 / 137,143.
LIMITS = {
    'mqtt_ca_certificate': (19, 156600),
    'mqtt_ca_certificate_info': (19, 139100),
    'mqtt_device_certificate': (20, 150800),
    'mqtt_device_certificate_info': (19, 141300),
}

# Run by the child process: for each module named in argv, the collection files its payload holds, with their sizes.
PACK = r'''
import datetime
import inspect
import io
import json
import sys
import zipfile

from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

root, modules = sys.argv[1], sys.argv[2:]
_AnsibleCollectionFinder(paths=[root])._install()

from ansible.executor.module_common import recursive_finder

extra = {}
if 'extension_manager' in inspect.signature(recursive_finder).parameters:  # ansible-core 2.19+
    from ansible._internal._ansiballz._builder import ExtensionManager
    extra['extension_manager'] = ExtensionManager()
payloads = {}
for name in modules:
    with open('%s/ansible_collections/alibabacloud/apsaramq/plugins/modules/%s.py' % (root, name), 'rb') as module_file:
        source = module_file.read()
    with zipfile.ZipFile(io.BytesIO(), 'w') as payload:
        recursive_finder(name, 'ansible_collections.alibabacloud.apsaramq.plugins.modules.' + name, source, payload,
                         datetime.datetime(2026, 1, 1), **extra)
        payloads[name] = dict((info.filename, info.file_size) for info in payload.infolist())
print(json.dumps(payloads))
'''


@pytest.fixture(scope='module')
def payloads():
    """module name -> {module_utils file of the collection in its payload: bytes}."""
    process = subprocess.run([sys.executable, '-c', PACK, str(COLLECTIONS_ROOT)] + sorted(LIMITS), capture_output=True, text=True,
                             timeout=120, check=False)
    assert process.returncode == 0, process.stderr
    return dict((module, dict((path[len(MODULE_UTILS):], size) for path, size in files.items()
                              if path.startswith(MODULE_UTILS) and not path.endswith('/__init__.py')))
                for module, files in json.loads(process.stdout).items())


def test_every_module_has_a_payload_limit():
    assert sorted(path.stem for path in (COLLECTION / 'plugins' / 'modules').glob('*.py') if path.stem != '__init__') == sorted(LIMITS)


@pytest.mark.parametrize('module', sorted(LIMITS))
def test_the_payload_holds_no_more_module_utils_than_today(payloads, module):
    files, size = LIMITS[module]
    packed = payloads[module]
    assert '_module.py' in packed and '_errors.py' in packed  # the finder did follow the module's imports
    assert len(packed) <= files, sorted(packed)
    assert sum(packed.values()) <= size, sorted(packed.items())
