"""The state of every rate limit: one row per limited caller, shared by all server processes through the database."""

from __future__ import annotations

from django.db import models

from govcx.throttle import BUCKET_TABLE


class Bucket(models.Model):
    """A GCRA token bucket: the theoretical arrival time of the caller's next request (seconds since the epoch).
    A row whose time has passed is a full bucket, the same as no row, so old rows may be deleted at any time."""

    key = models.CharField(max_length=255, primary_key=True)
    tat = models.FloatField()

    class Meta:
        db_table = BUCKET_TABLE

    def __str__(self) -> str:
        return self.key
