"""(being written)"""

app_name = "public_responses"

urlpatterns: list = []
