from servicekit.testing import ServicePlumbingTests


class TestPlumbing(ServicePlumbingTests):
    service = "orders"
