"""Every example in the OpenAPI document validates against the schema it illustrates.

Usage: validate-examples.py SPEC.json. JSON Schema 2020-12 with formats checked; `$ref`s resolve
into the document itself. Also requires the main flows to carry examples (a client developer reads
them first): login, the card code, verification, redemption, and a problem.
"""
import json
import sys

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

REQUIRED = {
    ("post", "/api/v1/auth/login", "request"),
    ("post", "/api/v1/auth/login", "200"),
    ("get", "/api/v1/me/card/code", "200"),
    ("post", "/api/v1/merchant/verifications", "request"),
    ("post", "/api/v1/merchant/verifications", "200"),
    ("post", "/api/v1/merchant/redemptions", "request"),
    ("post", "/api/v1/merchant/redemptions", "201"),
    ("post", "/api/v1/merchant/redemptions", "409"),
}


def absolute(schema):
    """The media schema with its `#/...` references pointing into the document."""
    if isinstance(schema, dict):
        return {k: ("urn:spec" + v if k == "$ref" and v.startswith("#") else absolute(v)) for k, v in schema.items()}
    if isinstance(schema, list):
        return [absolute(v) for v in schema]
    return schema


def main(path):
    spec = json.load(open(path))
    registry = Registry().with_resource("urn:spec", Resource.from_contents(spec, DRAFT202012))
    checked, failures, found = 0, [], set()
    for route, item in spec["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            media = [("request", m) for m in op.get("requestBody", {}).get("content", {}).values()]
            media += [(s, m) for s, r in op["responses"].items() for m in r.get("content", {}).values()]
            for where, m in media:
                values = [e["value"] for e in m.get("examples", {}).values()]
                if "example" in m:
                    values.append(m["example"])
                if values:
                    found.add((method, route, where))
                validator = Draft202012Validator(
                    absolute(m.get("schema", {})), registry=registry, format_checker=FormatChecker()
                )
                for value in values:
                    checked += 1
                    for error in validator.iter_errors(value):
                        failures.append(f"{method.upper()} {route} {where}: {error.message}")
    missing = sorted(REQUIRED - found)
    for f in failures:
        print("example does not match its schema:", f)
    for m in missing:
        print("no example for:", *m)
    if failures or missing:
        sys.exit(1)
    print(f"{checked} examples match their schemas; every main flow has one")


if __name__ == "__main__":
    main(sys.argv[1])
