# The domain endpoints arrive with the domain models; health, schema, docs and admin are
# routed by servicekit.urls already.
urlpatterns: list = []
