"""The loop both Python oracles of the Rust tests run (flask/oracle.py,
frameworks/oracle.py): one JSON request per stdin line, one JSON answer per stdout line.
Each oracle puts this folder on its path to import it."""

import json
import sys


def serve(ops):
    """Answers every request on stdin with ``ops[request["op"]](request)``, until stdin
    closes. A failure of the operation is answered as ``{"oracle_error": ...}``, which
    fails the test that asked."""
    for line in sys.stdin:
        req = json.loads(line)
        try:
            answer = ops[req["op"]](req)
        except Exception as e:
            answer = {"oracle_error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
