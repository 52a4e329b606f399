from servicekit.testing.plumbing import ServicePlumbingTests


class TestPlumbing(ServicePlumbingTests):
    service = "auth"
