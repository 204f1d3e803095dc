"""Reads a Tempest subunit stream on stdin and checks it against the list of required tests (argv[1]).

Prints each failed, skipped or missing listed test with the last lines of its traceback or reason, then
"tempest: N passed, N failed, N skipped, N missing of N listed; N known, N unexpected, N now passing".
A skip or a test that never ran counts as a failure, as does a failing class fixture.

argv[2], optional, is the known-failures file: listed tests that do not pass yet, one id per line with a
'#' reason. They are reported (KNOWN) but do not fail the run, so main stays green while the list is
the open work; any other failure fails it. A known failure that passes is printed as NOW PASSING so it
is taken off the list (it does not fail the run: a test that passes on some runs only is a flake to fix,
not a reason to turn main red). Without argv[2] every non-passing test fails the run.
"""
import io
import re
import sys

import subunit
from testtools import StreamToDict

ATTRS = re.compile(r"\[.*\]$")


def read_ids(path: str) -> list[str]:
    ids = (line.split("#", 1)[0].strip() for line in open(path))
    return [i for i in ids if i]


def main() -> int:
    listed = read_ids(sys.argv[1])
    known = set(read_ids(sys.argv[2])) if len(sys.argv) > 2 else set()
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

    counts = {"passed": 0, "failed": 0, "skipped": 0, "missing": 0, "known": 0, "unexpected": 0, "now": 0}
    for name in listed:
        status, text = results.get(name, ("missing", ""))
        if status == "success":
            counts["passed"] += 1
            if name in known:
                counts["now"] += 1
                print(f"  NOW PASSING (take it off the known failures): {name}")
            continue
        key = {"fail": "failed", "skip": "skipped"}.get(status, "missing")
        counts[key] += 1
        counts["known" if name in known else "unexpected"] += 1
        print(f"  {key.upper()}{' (known)' if name in known else ''}: {name}")
        if text:
            print(tail(text))
    # A fixture failure shows up as its tests' failures (or absences), so it is counted through them.
    for name, text in fixtures:
        print(f"  FIXTURE FAILED: {name}")
        print(tail(text))
    print(
        f"tempest: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped, "
        f"{counts['missing']} missing of {len(listed)} listed; {counts['known']} known, "
        f"{counts['unexpected']} unexpected, {counts['now']} now passing"
    )
    return 0 if counts["unexpected"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
