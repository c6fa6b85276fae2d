from cases.departure.views import documents, funding, movements

app_name = "departure"

urlpatterns = [*documents.urlpatterns, *funding.urlpatterns, *movements.urlpatterns]
