import secrets

from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from .models import Report


@csrf_exempt
def insert(request):
    report = Report._default_manager.create(code=secrets.token_hex(6), place="X-B1-U1", category="repair",
                                   description=request.POST.get("text", ""), received_at=timezone.now())
    return JsonResponse({"id": report.pk}, status=201)


urlpatterns = [path("insert", insert)]
