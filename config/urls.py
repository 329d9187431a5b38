from django.contrib import admin
from django.urls import path

from events import views

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("admin/", admin.site.urls),
]
