#!/usr/bin/env bash
# Copyright: Contributors to the alibabacloud.apsaramq collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/tooling/check-readme-matrix.sh README.md MATRIX
# Fails unless the lines between README.md's "<!-- support-matrix -->" and
# "<!-- /support-matrix -->" markers are exactly MATRIX (make support-matrix: what CI runs).
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: ${0##*/} README.md MATRIX" >&2; exit 2; }
documented=$(awk '/^<!-- \/support-matrix -->$/ {inside = 0} inside {print} /^<!-- support-matrix -->$/ {inside = 1}' "$1")
if [[ $documented != "$2" ]]; then
    echo "${0##*/}: the support matrix in $1 is not the one CI runs (Makefile); it should be:" >&2
    printf '%s\n' "$2" >&2
    exit 1
fi
echo "${0##*/}: $1 states the support matrix CI runs"
