#!/usr/bin/python3
"""Validates a JSON document (a file, or stdin) against fixtures/schema/exprobe-1.schema.json
with python3-jsonschema (Draft 2020-12). Prints up to 10 errors; exit 1 when invalid."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
doc = json.load(open(sys.argv[2]) if len(sys.argv) > 2 else sys.stdin)
errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
for e in errors[:10]:
    print("/".join(map(str, e.absolute_path)) or "(root)", ":", e.message[:300])
sys.exit(1 if errors else 0)
