from django.db import models


class Item(models.Model):
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title

    def to_dict(self) -> dict:
        return {"id": self.pk, "title": self.title, "body": self.body}
