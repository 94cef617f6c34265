#!/usr/bin/env bash
# Copyright: Contributors to the alibabacloud.apsaramq collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run the collection's unit tests with plain pytest (no ansible-test), in the
# same ansible_collections/ tree and with the same requirements as
# "ansible-test units"; see ansible-test.sh for the details.
#
# Usage:
#   tests/tooling/pytest.sh CORE_VERSION PYTHON_MINOR [--] [PYTEST_ARGS...]
# Example:
#   tests/tooling/pytest.sh 2.21.5 3.13 -- tests/unit -n 2
# PYTEST_ARGS default to "tests/unit". Exit status: pytest's.

set -euo pipefail

exec "$(dirname -- "${BASH_SOURCE[0]}")/ansible-test.sh" --pytest "$@"
