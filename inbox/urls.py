from django.urls import path

from inbox import views

app_name = "inbox"

urlpatterns = [
    path("inbox/", views.inbox_list, name="list"),
    path("inbox/read/", views.mark_all_read, name="mark_all_read"),
    path("inbox/<uuid:item_id>/", views.item_open, name="open"),
    path("inbox/<uuid:item_id>/read/", views.item_read, name="read"),
    path("inbox/<uuid:item_id>/done/", views.item_done, name="done"),
    path("account/notifications/", views.preferences, name="preferences"),
]
