"""Validates API responses with Tempest's own response schemas and validator (Debian's tempest package).

Reads JSON lines on stdin, one response each:
  {"id": 1, "module": "compute.v2_1.flavors", "schema": "list_flavors", ...}   a fixed schema module
  {"id": 2, "client": "compute.servers_client.ServersClient", "schema": "get_server",
   "microversion": "2.47", ...}     the module Tempest's client picks for that microversion
  {"id": 3, "file": "/abs/path/image-show.json", ...}   a schema of ours, for the APIs Tempest has none
                                    for, in Tempest's shape: {"status_code": [...], "response_body": {...}}
  ... plus "status": 200, "headers": {"lower-case": "value"}, "body": <parsed JSON or null>
Writes one JSON line per input: {"id": 1, "ok": true} or {"id": 1, "ok": false, "error": "..."}.
`module` is relative to tempest.lib.api_schema.response, `client` to tempest.lib.services.
The validation is Tempest's RestClient.validate_response: the status must be one the schema lists,
the body must match (Draft 4, Tempest's format checkers), and a schema without a body forbids one.
"""
import importlib
import json
import sys

from tempest.lib.common import api_version_request
from tempest.lib.common import rest_client


class Response(dict):
    """What validate_response expects of an HTTP response: the headers as a dict, and .status."""

    def __init__(self, status, headers):
        super().__init__(headers)
        self.status = status


def schema_module(record):
    if "module" in record:
        return importlib.import_module("tempest.lib.api_schema.response." + record["module"])
    module_name, class_name = record["client"].rsplit(".", 1)
    client = getattr(importlib.import_module("tempest.lib.services." + module_name), class_name)
    # The selection of the clients' get_schema (base_compute_client / volume base_client).
    version = api_version_request.APIVersionRequest(record.get("microversion"))
    for item in client.schema_versions_info:
        low = api_version_request.APIVersionRequest(item["min"])
        high = api_version_request.APIVersionRequest(item["max"])
        if version.is_null() and item["min"] is None:
            return item["schema"]
        if version.matches(low, high):
            return item["schema"]
    raise LookupError(f"no schema of {record['client']} covers microversion {record.get('microversion')}")


def check(record):
    if "file" in record:
        with open(record["file"]) as f:
            schema = json.load(f)
        headers = {k.lower(): v for k, v in (record.get("headers") or {}).items()}
        rest_client.RestClient.validate_response(schema, Response(record["status"], headers), record.get("body"))
        return record["file"]
    module = schema_module(record)
    schema = getattr(module, record["schema"], None)
    if schema is None:
        raise LookupError(f"{module.__name__} has no schema {record['schema']}")
    headers = {k.lower(): v for k, v in (record.get("headers") or {}).items()}
    rest_client.RestClient.validate_response(schema, Response(record["status"], headers), record.get("body"))
    return module.__name__.replace("tempest.lib.api_schema.response.", "") + "." + record["schema"]


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        record = json.loads(line)
        try:
            used = check(record)
            out = {"id": record.get("id"), "ok": True, "schema": used}
        except Exception as exc:  # every failure goes back to the caller, which fails its test
            out = {"id": record.get("id"), "ok": False, "error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
