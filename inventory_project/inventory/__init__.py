"""Inventory: products, their stock levels and the ledger of every change, and reservations:
the stock held for an order, all lines or none, never oversold. Consumes orders' events,
announces products (`inventory.product.changed`) and reservations."""
