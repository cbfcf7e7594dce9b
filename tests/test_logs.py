"""JSON log lines."""

from __future__ import annotations

import io
import json
import logging

from gateway.logs import setup_logging


def test_lines_are_json_with_extras() -> None:
    stream = io.StringIO()
    setup_logging("INFO", stream)
    try:
        log = logging.getLogger("gateway.test")
        log.info("call", extra={"request_id": "r1", "app": "crm", "status": 200})
        log.debug("hidden")
        try:
            raise RuntimeError("details that may be sensitive")
        except RuntimeError:
            log.error("boom", exc_info=True)
    finally:
        logging.getLogger("gateway").handlers.clear()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 2
    assert lines[0]["message"] == "call" and lines[0]["request_id"] == "r1"
    assert lines[0]["level"] == "info" and lines[0]["status"] == 200 and "time" in lines[0]
    assert lines[1]["exception"] == "RuntimeError"
    assert "sensitive" not in stream.getvalue()
