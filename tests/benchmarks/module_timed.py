# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A module run by itself, as python runs its file (arguments from a file, as AnsibleModule reads them), timed in two:
its work up to exit_json, and exit_json, Ansible's handling of the result in the module process (every value checked
against the no_log values, the result recorded and encoded as JSON, printed).

    python module_timed.py MODULE_FILE ARGS_FILE     (the collection importable)

The module's output goes to stdout as ever; {"work": seconds, "exit_json": seconds} to stderr.
"""

import time

STARTED = time.perf_counter()

# pylint: disable=wrong-import-position
import json  # noqa: E402
import runpy  # noqa: E402
import sys  # noqa: E402

from ansible.module_utils.basic import AnsibleModule  # noqa: E402


def main():
    module_file, args_file = sys.argv[1:3]
    exit_json = AnsibleModule.exit_json

    def timed_exit_json(self, **kwargs):
        entered = time.perf_counter()
        try:
            exit_json(self, **kwargs)
        finally:
            sys.stdout.flush()
            sys.stderr.write(json.dumps({'work': entered - STARTED, 'exit_json': time.perf_counter() - entered}))

    AnsibleModule.exit_json = timed_exit_json
    sys.argv = [module_file, args_file]
    runpy.run_path(module_file, run_name='__main__')


if __name__ == '__main__':
    main()
