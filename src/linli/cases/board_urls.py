"""Public boards and evaluation pages (issue 3 items 10 and 12)."""
urlpatterns: list = []
