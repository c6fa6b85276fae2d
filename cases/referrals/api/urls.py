"""The referrals API routes, included under /api/v1/."""

from rest_framework.routers import SimpleRouter

from cases.referrals.api.views import ReferralViewSet

router = SimpleRouter()
router.register("referrals", ReferralViewSet, basename="api-referral")

urlpatterns = router.urls
