#!/usr/bin/env bash
# Copyright: Contributors to the alibabacloud.apsaramq collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# ansible-test sanity skips its shellcheck test, with only a warning, when shellcheck is missing.
# Install it from Debian's packages where this user may; otherwise say so plainly.
set -euo pipefail

command -v shellcheck >/dev/null 2>&1 && exit 0
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "${0##*/}: installing shellcheck for ansible-test sanity" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null
else
    echo "${0##*/}: warning: shellcheck is missing; ansible-test sanity will skip its shellcheck test" >&2
fi
