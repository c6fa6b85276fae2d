from cases.departure.api import documents, funding, movements

urlpatterns = [*documents.urlpatterns, *funding.urlpatterns, *movements.urlpatterns]
