# Copyright: Contributors to the alibabacloud.apsaramq collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Offline stand-in for the get-pip.py script that ansible-test downloads.

ansible-test bootstraps pip in every virtual environment it creates (--venv,
sanity test environments) by running ``get-pip.py`` from a test infrastructure
web site.  Before downloading it looks for a cached copy at
``~/.ansible/test/cache/get_pip_<X_Y>.py``; tests/tooling/ansible-test.sh
installs this file there.

ansible-test runs the cached script as ``__main__`` (through its quiet_pip.py
wrapper) inside a virtual environment created with ``--without-pip``, passing
pip install arguments such as::

    --disable-pip-version-check pip==25.2 --no-setuptools --no-wheel

This stand-in bootstraps the pip wheel bundled with the interpreter through
``ensurepip`` (no network), then lets that pip install the requested
packages (the exact pip version ansible-test pins) from the package index
configured for pip (pip.conf; plain PyPI works).
"""

from __future__ import annotations

import os
import subprocess
import sys

# Options understood by the real get-pip.py that are not pip install options.
GET_PIP_ONLY_OPTIONS = frozenset(('--no-setuptools', '--no-wheel'))


def main():
    """Bootstrap pip with ensurepip, then install the requested packages."""
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_OPTIONS]

    env = dict(os.environ)
    # quiet_pip.py points GET_PIP at this file; pip itself must not see it.
    env.pop('GET_PIP', None)

    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], env=env, stdout=subprocess.DEVNULL)

    if any(not arg.startswith('-') for arg in args):
        subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--disable-pip-version-check', '--quiet'] + args, env=env)


if __name__ == '__main__':
    try:
        main()
    except subprocess.CalledProcessError as ex:
        sys.stderr.write('get-pip stand-in: command failed with status %d: %s\n' % (ex.returncode, ' '.join(ex.cmd)))
        sys.exit(1)
