"""Orders: orders and their lines (name, SKU and price copied as sold) and the order saga:
PENDING until inventory answers, then CONFIRMED or REJECTED; cancelling releases the stock.
Keeps its own copy of the catalogue from inventory's events."""
