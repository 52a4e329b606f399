"""Where e-mail goes on a machine without an SMTP server: the service's log."""

import logging

from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger("notifications.mail")


class LogEmailBackend(BaseEmailBackend):
    """Each e-mail becomes one line of the service's JSON log: sender, recipients, subject and
    body. Django's console backend rendered the whole MIME message to stdout, which the Celery
    worker logged as a WARNING record per write (headers and body spread over several JSON
    lines), and that rendering was about a fifth of the notifications worker's CPU per order.
    With EMAIL_HOST set, Django's SMTP backend sends real mail instead."""

    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            logger.info(
                "e-mail from %s to %s, subject %r: %r",
                message.from_email,
                ", ".join(message.recipients()),
                message.subject,
                message.body,
            )
        return len(email_messages)
