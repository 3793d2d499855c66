import logging

from .request_context import current_request_id


class RequestIdFilter(logging.Filter):
    """Stamp every record with the current request id, so one id ties web and worker logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True
