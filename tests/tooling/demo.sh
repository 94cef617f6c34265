#!/usr/bin/env bash
# Copyright: Contributors to the alibabacloud.apsaramq collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# make demo: demo/run-demo.sh in the test venv, on a copy of exactly the files git sees.
# Usage: tests/tooling/demo.sh CORE_VERSION PYTHON_MINOR
# The devices' files end up in <repo>/.cache/demo/devices.
set -euo pipefail

[[ $# -eq 2 ]] || { echo "usage: ${0##*/} CORE_VERSION PYTHON_MINOR" >&2; exit 2; }
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
DEMO_WORK_DIR="$(git -C "$here" rev-parse --show-toplevel)/.cache/demo"
export DEMO_WORK_DIR
exec "$here/ansible-test.sh" --run "$1" "$2" -- demo/run-demo.sh
