"""Without an SMTP server, an e-mail is one line of the service's log."""

import logging

from django.core.mail import get_connection, send_mail


def test_each_email_is_one_log_line_with_its_recipients_subject_and_body(caplog):
    connection = get_connection("notifications.mail_backend.LogEmailBackend")
    with caplog.at_level(logging.INFO, logger="notifications.mail"):
        sent = send_mail(
            "Your order is confirmed",
            "Your order 1a2b is confirmed.\nTotal: 8.50.",
            "shop <no-reply@shop.local>",
            ["ada@example.com", "bob@example.com"],
            connection=connection,
        )
    assert sent == 1
    (record,) = [r for r in caplog.records if r.name == "notifications.mail"]
    line = record.getMessage()
    assert "ada@example.com, bob@example.com" in line
    assert "'Your order is confirmed'" in line
    assert "Total: 8.50." in line and "\n" not in line  # the body's newline stays escaped: one line
