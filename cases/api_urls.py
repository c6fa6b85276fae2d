"""The cases API routes, included under /api/v1/."""

from rest_framework.routers import SimpleRouter

from cases.api import AssistanceViewSet, CaseViewSet, PersonViewSet
from cases.referral_api import ReferralViewSet

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="api-case")
router.register("people", PersonViewSet, basename="api-person")
router.register("assistance", AssistanceViewSet, basename="api-assistance")
router.register("referrals", ReferralViewSet, basename="api-referral")

urlpatterns = router.urls
