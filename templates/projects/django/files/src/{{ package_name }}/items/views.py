from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from .models import Item


class ItemListView(ListView):
    model = Item
    paginate_by = 20


class ItemDetailView(DetailView):
    model = Item


@require_GET
def item_list_api(request):
    return JsonResponse([item.to_dict() for item in Item.objects.all()], safe=False)


@require_GET
def item_detail_api(request, pk: int):
    return JsonResponse(get_object_or_404(Item, pk=pk).to_dict())
