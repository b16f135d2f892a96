"""JSON API on the Item model, and the home page.

The API views are exempt from CSRF checks: they take JSON from API clients, not forms from a
browser session. Add authentication before exposing writes.
"""

import json
from typing import Any, Dict

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from .. import __version__
from .models import Item


class BadRequest(Exception):
    pass


def _payload(request, partial: bool) -> Dict[str, Any]:
    try:
        data = json.loads(request.body or b"null")
    except ValueError:
        raise BadRequest("Expected a JSON object")
    if not isinstance(data, dict):
        raise BadRequest("Expected a JSON object")
    if "title" in data or not partial:
        title = data.get("title")
        if not isinstance(title, str) or not title.strip() or len(title) > 200:
            raise BadRequest("title: a non-empty string of at most 200 characters")
    if "body" in data and not isinstance(data["body"], str):
        raise BadRequest("body: a string")
    return {k: data[k] for k in ("title", "body") if k in data}


def _bad(error: BadRequest) -> JsonResponse:
    return JsonResponse({"error": "Bad Request", "message": str(error)}, status=400)


@require_GET
def health(request):
    return JsonResponse({"status": "ok", "version": __version__})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def items(request):
    if request.method == "GET":
        return JsonResponse([item.to_dict() for item in Item.objects.all()], safe=False)
    try:
        item = Item.objects.create(**_payload(request, partial=False))
    except BadRequest as error:
        return _bad(error)
    return JsonResponse(item.to_dict(), status=201)


@csrf_exempt
@require_http_methods(["GET", "PATCH", "DELETE"])
def item(request, pk: int):
    obj = Item.objects.filter(pk=pk).first()
    if obj is None:
        return JsonResponse({"error": "Not Found", "message": "Item not found"}, status=404)
    if request.method == "DELETE":
        obj.delete()
        return HttpResponse(status=204)
    if request.method == "PATCH":
        try:
            changes = _payload(request, partial=True)
        except BadRequest as error:
            return _bad(error)
        for key, value in changes.items():
            setattr(obj, key, value)
        obj.save()
    return JsonResponse(obj.to_dict())


def index(request):
    return render(request, "items/index.html", {"items": Item.objects.all()})
