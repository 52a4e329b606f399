"""The outbox wakes the relays itself: a statement trigger sends NOTIFY servicekit_outbox.

Before, publish_event sent `SELECT pg_notify(...)` after each insert, one more round trip per
event. NOTIFY is transactional, so the relay still wakes exactly when the rows commit.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION servicekit_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('servicekit_outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER servicekit_outbox_notify AFTER INSERT ON servicekit_outboxevent
    FOR EACH STATEMENT EXECUTE FUNCTION servicekit_outbox_notify();
"""
DROP = """
DROP TRIGGER IF EXISTS servicekit_outbox_notify ON servicekit_outboxevent;
DROP FUNCTION IF EXISTS servicekit_outbox_notify();
"""


class Migration(migrations.Migration):
    dependencies = [("servicekit", "0001_initial")]
    operations = [migrations.RunSQL(CREATE, DROP)]
