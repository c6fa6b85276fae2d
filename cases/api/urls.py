"""The cases API routes, included under /api/v1/."""

from rest_framework.routers import SimpleRouter

from cases.api.assistance import AssistanceViewSet
from cases.api.cases import CaseViewSet
from cases.api.people import PersonViewSet

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="api-case")
router.register("people", PersonViewSet, basename="api-person")
router.register("assistance", AssistanceViewSet, basename="api-assistance")

urlpatterns = router.urls
