"""Reads a Tempest subunit stream on stdin and checks it against the list of required tests (argv[1]).

Prints each failed, skipped or missing listed test with the last lines of its traceback or reason, then
"tempest: N passed, N failed, N skipped, N missing of N listed". Exits 1 unless every listed test
passed: a skip or a test that never ran counts as a failure, as does a failing class fixture.
"""
import io
import re
import sys

import subunit
from testtools import StreamToDict

ATTRS = re.compile(r"\[.*\]$")


def main() -> int:
    listed = [line.strip() for line in open(sys.argv[1]) if line.strip()]
    results: dict[str, tuple[str, str]] = {}
    fixtures: list[tuple[str, str]] = []

    def on_test(test: dict) -> None:
        name = ATTRS.sub("", test["id"])
        details = test["details"]
        text = ""
        for key in ("traceback", "reason"):
            if key in details:
                text = details[key].as_text()
        if name.startswith(("setUpClass", "tearDownClass")):
            if test["status"] == "fail":
                fixtures.append((name, text))
            return
        results[name] = (test["status"], text)

    stream = subunit.ByteStreamToStreamResult(io.BytesIO(sys.stdin.buffer.read()), non_subunit_name="stdout")
    sink = StreamToDict(on_test)
    sink.startTestRun()
    stream.run(sink)
    sink.stopTestRun()

    def tail(text: str, lines: int = 6) -> str:
        kept = [l for l in text.strip().splitlines() if l.strip()][-lines:]
        return "\n".join("      " + l[:300] for l in kept)

    counts = {"passed": 0, "failed": 0, "skipped": 0, "missing": 0}
    for name in listed:
        status, text = results.get(name, ("missing", ""))
        if status == "success":
            counts["passed"] += 1
            continue
        key = {"fail": "failed", "skip": "skipped"}.get(status, "missing")
        counts[key] += 1
        print(f"  {key.upper()}: {name}")
        if text:
            print(tail(text))
    for name, text in fixtures:
        print(f"  FIXTURE FAILED: {name}")
        print(tail(text))
    print(
        f"tempest: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped, "
        f"{counts['missing']} missing of {len(listed)} listed"
    )
    return 0 if counts["passed"] == len(listed) and not fixtures else 1


if __name__ == "__main__":
    sys.exit(main())
