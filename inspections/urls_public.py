"""(being written)"""

app_name = "public_reports"

urlpatterns: list = []
