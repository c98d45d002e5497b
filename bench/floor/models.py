from django.db import models


class Report(models.Model):
    code = models.CharField(max_length=12, unique=True)
    place = models.CharField(max_length=40)
    category = models.CharField(max_length=40)
    description = models.TextField()
    received_at = models.DateTimeField(db_index=True)
