from django.contrib import admin
from django.urls import path

from events import views

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
    path("sources/", views.source_list, name="source-list"),
    path("sources/<int:pk>/", views.source_detail, name="source-detail"),
    path("admin/", admin.site.urls),
]
