# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""The private keys of the default fixture CAs, derived from their SNs: the same in every run, so that an emulator serving a
written fixture file (--fixtures) holds them too and can sign CRLs for them (README.md, "Certificate revocation lists").

These are test keys whose derivation is public: never trust a default fixture CA outside the emulator.
"""

import functools
import hashlib
import math
import random

from cryptography.hazmat.primitives.asymmetric import ec, rsa

SEED_PREFIX = 'onsmqtt-emulator-fixture-ca-key:'
RSA_BITS = 2048
RSA_EXPONENT = 65537
MILLER_RABIN_ROUNDS = 5  # for random candidates of 1024 bits, far below 2^-80 of error (FIPS 186-5, C.3)
SMALL_PRIMES = [number for number in range(3, 2000, 2) if all(number % divisor for divisor in range(3, int(number ** 0.5) + 1, 2))]


@functools.lru_cache(maxsize=None)
def derived_key(sn, key_type):
    """The private key (`key_type` 'rsa': RSA 2048, 'ec': P-256) that the default CA of SN `sn` is generated with."""
    rng = random.Random(hashlib.sha256(f'{SEED_PREFIX}{sn}:{key_type}'.encode('utf-8')).digest())
    if key_type == 'ec':
        order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
        return ec.derive_private_key(rng.randrange(1, order), ec.SECP256R1())
    return _rsa_key(rng)


def holds_key_of(sn, key_type, certificate):
    """Whether `certificate` (a CA's) carries the public key derived for `sn`: only then may the emulator sign for it."""
    if key_type not in ('rsa', 'ec'):
        return False
    return derived_key(sn, key_type).public_key().public_numbers() == certificate.public_key().public_numbers()


def _rsa_key(rng):
    while True:
        p, q = _prime(rng, RSA_BITS // 2), _prime(rng, RSA_BITS // 2)
        phi = (p - 1) * (q - 1)
        if p != q and math.gcd(RSA_EXPONENT, phi) == 1:
            break
    d = pow(RSA_EXPONENT, -1, phi)
    public = rsa.RSAPublicNumbers(RSA_EXPONENT, p * q)
    return rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), public).private_key()


def _prime(rng, bits):
    while True:
        # The top two bits set: the product of two such primes has exactly 2 * bits bits.
        candidate = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if all(candidate % small for small in SMALL_PRIMES) and _probably_prime(candidate, rng):
            return candidate


def _probably_prime(number, rng):
    exponent, twos = number - 1, 0
    while exponent % 2 == 0:
        exponent, twos = exponent // 2, twos + 1
    for _round in range(MILLER_RABIN_ROUNDS):
        witness = pow(rng.randrange(2, number - 1), exponent, number)
        if witness in (1, number - 1):
            continue
        for _square in range(twos - 1):
            witness = pow(witness, 2, number)
            if witness == number - 1:
                break
        else:
            return False
    return True
