#!/usr/bin/env bash
# Copyright: Contributors to the alibabacloud.apsaramq collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The unit test of the docs' examples (tests/unit/test_docs_examples.py) runs the openssl commands of
# docs/ca-lifecycle.md as written. When openssl is not on PATH, install Debian's openssl package if this
# user may; otherwise fail in one line, saying what to do.
set -euo pipefail

me=${0##*/}

fail() {
    echo "$me: the test of the docs' examples runs openssl: $1; install it (Debian, Ubuntu: apt-get install openssl)" >&2
    exit 1
}

command -v openssl >/dev/null 2>&1 && exit 0
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    fail "no openssl on PATH, and only root with apt-get can install it here"
fi

echo "$me: no openssl on PATH; installing openssl for the test of the docs' examples" >&2
apt-get update -qq >/dev/null || fail "apt-get update failed"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssl >/dev/null \
    || fail "apt-get install openssl failed"
hash -r
command -v openssl >/dev/null 2>&1 || fail "after installing openssl, there is still no openssl on PATH"
