app_name = "serviceplans"
urlpatterns: list = []
