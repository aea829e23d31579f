#!/usr/bin/env python3
"""Writes decimal_reference.tsv: random decimal pairs (seeded) and what
Python's decimal module, computing exactly, says their sum, difference,
product and order are. decimal_differential_test.cc checks crmsync's Decimal
against it. Run again only to change the table: python3 decimal_reference_gen.py
"""
import decimal
import random
from decimal import Decimal

SEED = 20261206
ROWS = 1500
decimal.getcontext().prec = 200  # exact for every row below
decimal.getcontext().Emin = -999
decimal.getcontext().Emax = 999


def random_text(rng):
    digits = rng.choice([1, 1, 2, 3, 4, 6, 9, 12, 18, 19, 20, 25, 30, 37, 38])
    scale = min(rng.choice([0, 0, 1, 2, 2, 3, 4, 8, 12, 20, 30, 38]), 38)
    body = str(rng.randrange(10 ** (digits - 1) if digits > 1 else 0, 10**digits))
    if scale > 0:
        body = body.rjust(scale + 1, "0")
        body = body[:-scale] + "." + body[-scale:]
    sign = rng.choice(["", "", "-", "+"])
    return sign + body


def plain(d):
    return format(d, "f")


def main():
    rng = random.Random(SEED)
    with open("decimal_reference.tsv", "w") as out:
        out.write("# a\tb\ta+b\ta-b\ta*b\tcompare(a,b)  (exact, by Python's decimal)\n")
        for _ in range(ROWS):
            a, b = random_text(rng), random_text(rng)
            x, y = Decimal(a), Decimal(b)
            order = (x > y) - (x < y)
            out.write("\t".join([a, b, plain(x + y), plain(x - y), plain(x * y), str(order)]) + "\n")


if __name__ == "__main__":
    main()
