#!/bin/sh
# Copyright: Contributors to the alibabacloud.apsaramq collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Makes the new CA of a rotation (docs/event-driven.md, "A complete example"): DIR/ca.key, its private key (EC P-256,
# not encrypted, readable by its owner only), and DIR/ca.pem, its self-signed CA certificate, valid for two years.
# Run it on the host that runs ansible-rulebook, before the watch starts: the rotation playbook reads both files there
# when a CA comes within 7 days of its end. It never overwrites a CA: a second run stops.
#
#   sh make-new-ca.sh [DIR [COMMON_NAME]]       (defaults: new-ca, fleet-ca-next)
set -eu
dir=${1:-new-ca}
name=${2:-fleet-ca-next}
if [ -e "$dir/ca.key" ] || [ -e "$dir/ca.pem" ]; then
    echo "make-new-ca.sh: $dir already holds a CA; remove it first to make another" >&2
    exit 1
fi
umask 077
mkdir -p "$dir"
# -nodes: no pass phrase, so that nothing prompts (the playbook can take one: rotation_new_ca_key_passphrase).
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 730 \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" -subj "/CN=$name" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
chmod 0644 "$dir/ca.pem"
echo "make-new-ca.sh: $dir/ca.pem and $dir/ca.key written"
