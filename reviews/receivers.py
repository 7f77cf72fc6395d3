from django.db.models.signals import post_delete
from django.dispatch import receiver

from reviews import services
from reviews.models import Review


@receiver(post_delete, sender=Review)
def recount_when_a_published_review_goes(sender, instance, **kwargs):
    """A published review deleted with its author's account (closing it deletes their
    reviews) leaves the product's numbers in the same transaction. The merchant cannot
    delete reviews (reviews/admin.py): they reject them, with a reason."""
    if instance.status == Review.Status.APPROVED:
        services.refresh_rating(product_id=instance.product_id)
