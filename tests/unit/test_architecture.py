# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""docs/architecture.md is the map: every module_utils file is placed in a layer there, and imports only lower layers."""

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGE = ROOT / 'docs' / 'architecture.md'
MODULE_UTILS = ROOT / 'plugins' / 'module_utils'
PACKAGE = 'ansible_collections.alibabacloud.apsaramq.plugins.module_utils'
LAYER_ROW = re.compile(r'^\| (\d+) \| (`_\w+`(?:, `_\w+`)*) \|')
# What the page says of modules: they import only these layers.
MODULE_LAYERS = {8, 10}


def documented_layers():
    """{file stem: layer} from the page's layer table."""
    layers = {}
    for line in PAGE.read_text(encoding='utf-8').splitlines():
        row = LAYER_ROW.match(line)
        if row:
            for name in re.findall(r'`(_\w+)`', row.group(2)):
                assert name not in layers, '%s is placed twice' % name
                layers[name] = int(row.group(1))
    return layers


def imported_module_utils(path):
    """The module_utils files that ``path`` imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == PACKAGE:
                names.update(alias.name for alias in node.names)
            elif node.module.startswith(PACKAGE + '.'):
                names.add(node.module[len(PACKAGE) + 1:])
        elif isinstance(node, ast.Import):
            names.update(alias.name[len(PACKAGE) + 1:] for alias in node.names if alias.name.startswith(PACKAGE + '.'))
    return names


def test_every_module_utils_file_has_a_layer():
    assert sorted(documented_layers()) == sorted(path.stem for path in MODULE_UTILS.glob('_*.py'))


@pytest.mark.parametrize('path', sorted(MODULE_UTILS.glob('_*.py')), ids=lambda path: path.stem)
def test_module_utils_import_only_lower_layers(path):
    layers = documented_layers()
    upward = sorted(name for name in imported_module_utils(path) if layers[name] >= layers[path.stem])
    assert upward == [], '%s (layer %d) imports %s' % (path.stem, layers[path.stem], ', '.join('%s (layer %d)' % (name, layers[name]) for name in upward))


@pytest.mark.parametrize('path', sorted((ROOT / 'plugins' / 'modules').glob('*.py')), ids=lambda path: path.stem)
def test_modules_import_only_module_logic_and_the_adapter(path):
    layers = documented_layers()
    assert {name: layers[name] for name in imported_module_utils(path) if layers[name] not in MODULE_LAYERS} == {}


def test_the_checks_see_imports_inside_functions_and_upward_ones(tmp_path):
    sample = tmp_path / '_sample.py'
    sample.write_text('def late():\n    from %s import _module\n    from %s._connection import Connection\n' % (PACKAGE, PACKAGE))
    assert imported_module_utils(sample) == {'_module', '_connection'}


@pytest.mark.parametrize('path', sorted((ROOT / 'tests' / 'emulator').glob('*.py')), ids=lambda path: path.stem)
def test_the_emulator_imports_nothing_of_the_collection(path):
    source = path.read_text(encoding='utf-8')
    assert 'ansible_collections' not in source and 'plugins.module_utils' not in source


@pytest.mark.parametrize('path', sorted((ROOT / 'extensions' / 'eda' / 'plugins' / 'event_source').glob('*.py')), ids=lambda path: path.stem)
def test_event_sources_import_only_their_adapter(path):
    assert imported_module_utils(path) == {'_event_source'}
