from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config import views as config_views
from events.api.urls import router
from events.views import actors, cite, edit, embed, history, timeline
from sources import views as source_views
from suggestions import api as suggestion_api
from suggestions import views as suggestion_views

urlpatterns = [
    path("", timeline.timeline, name="timeline"),
    path("embed/", embed.embed, name="embed"),
    path("actors/", actors.actor_list, name="actor-list"),
    path("actors/suggest/", actors.actor_suggest, name="actor-suggest"),
    path("actors/<slug:slug>/", actors.actor_detail, name="actor-detail"),
    path("actors/<slug:slug>/positions/", actors.actor_position_add, name="actor-position-add"),
    path("events/new/", edit.event_new, name="event-new"),
    path("events/parse-date/", edit.parse_date, name="event-parse-date"),
    path("events/cite-search/", cite.cite_search, name="event-cite-search"),
    path("events/<int:pk>/edit/", edit.event_edit, name="event-edit"),
    path("events/<int:pk>/cite/", cite.event_cite, name="event-cite"),
    path("events/<int:pk>/", timeline.event_detail, name="event-detail"),
    path("events/<int:pk>/delete/", edit.event_delete, name="event-delete"),
    path("events/<int:pk>/history/", history.event_history, name="event-history"),
    path(
        "events/<int:pk>/history/<int:history_id>/restore/",
        history.event_restore,
        name="event-restore",
    ),
    path("sources/", source_views.source_list, name="source-list"),
    path("sources/new/", source_views.source_new, name="source-new"),
    path("sources/<int:pk>/", source_views.source_detail, name="source-detail"),
    path("sources/<int:pk>/edit/", source_views.source_edit, name="source-edit"),
    path("sources/<int:pk>/history/", source_views.source_history, name="source-history"),
    path(
        "sources/<int:pk>/suggestions/",
        suggestion_views.source_suggestions,
        name="source-suggestions",
    ),
    path(
        "sources/<int:pk>/suggestions/add/",
        suggestion_views.add_to_existing,
        name="source-suggestions-add",
    ),
    path(
        "sources/<int:pk>/suggestions/dismiss/",
        suggestion_views.dismiss_proposal,
        name="source-suggestions-dismiss",
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "api/sources/<int:pk>/suggestions/",
        suggestion_api.source_suggestions,
        name="api-source-suggestions",
    ),
    path("api/", include(router.urls)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", config_views.healthz, name="healthz"),
    path("favicon.ico", config_views.favicon, name="favicon"),
]

handler400 = config_views.bad_request
handler403 = config_views.permission_denied
handler404 = config_views.page_not_found
handler500 = config_views.server_error
