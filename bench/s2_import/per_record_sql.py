#!/usr/bin/env python3
"""Reference (a) of the S2 benchmark: the seed's design as psql runs it, one
round trip per statement in autocommit, as Django does: per record, look
the Salesforce id up in the mapping table, insert the row, record the
mapping. Reads `COPY ... TO` text dumps (table.tsv with a header line of
column names) of rows already mapped, so only the database side is timed.
Usage: per_record_sql.py ORG DUMP_DIR TABLE... > loop.sql"""
import sys

org, dump, tables = sys.argv[1], sys.argv[2], sys.argv[3:]


def literal(field):
    if field == "\\N":
        return "NULL"
    out, i = [], 0
    while i < len(field):
        c = field[i]
        if c == "\\" and i + 1 < len(field):
            nxt = field[i + 1]
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return "'" + "".join(out).replace("'", "''") + "'"


w = sys.stdout.write
w("\\set ON_ERROR_STOP 1\n")
w(f"SELECT set_config('app.current_org', '{org}', false);\n")
for table in tables:
    with open(f"{dump}/{table}.tsv") as f:
        cols = f.readline().rstrip("\n").split("\t")
        collist = ", ".join(f'"{c}"' for c in cols)
        idx = cols.index("id")
        for line in f:
            vals = [literal(v) for v in line.rstrip("\n").split("\t")]
            rid = vals[idx]
            w(f"SELECT object_id FROM imported_record WHERE org_id = '{org}' "
              f"AND salesforce_id = {rid} AND object_type = '{table}';\n")
            w(f"INSERT INTO {table} ({collist}) VALUES ({', '.join(vals)});\n")
            w(f"INSERT INTO imported_record (org_id, salesforce_id, object_type, object_id) "
              f"VALUES ('{org}', {rid}, '{table}', {rid});\n")
