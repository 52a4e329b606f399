"""Domain events: published through the transactional outbox, consumed idempotently.

    from servicekit.events.outbox import publish_event
    publish_event("orders.order.created", {...})   # inside the transaction of the change

    from servicekit.events.consumer import handles
    @handles("orders.order.created")
    def reserve_stock_for_order(event): ...        # runs once per event, in one transaction

Kept free of imports so that settings can read `topology` before Django is set up.
"""
