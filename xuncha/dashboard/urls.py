"""(being written)"""

app_name = "dashboard"

urlpatterns: list = []
