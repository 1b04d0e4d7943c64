"""The admin shows posts and deliveries; their state changes only through the actions."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from pressroom.content.models import Post
from pressroom.publishing.models import Delivery
from pressroom.testing import BaseTestCase


class ReadOnlyAdminTests(BaseTestCase):
    def setUp(self) -> None:
        root = get_user_model().objects.create_superuser("root", password="x" * 12)
        self.client.force_login(root)
        channel = self.make_channel(self.district, "telegram")
        self.post = Post.objects.create(
            unit=self.district,
            author=self.owner,
            title="Thông báo",
            body="Nội dung",
            status=Post.Status.PUBLISHED,
        )
        self.post.channels.set([channel])
        self.delivery = Delivery.objects.create(
            post=self.post,
            channel=channel,
            status=Delivery.Status.PUBLISHED,
            due_at=timezone.now(),
        )

    def test_a_post_is_shown_but_its_status_cannot_be_changed(self) -> None:
        url = f"/admin/content/post/{self.post.pk}/change/"
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Thông báo")
        self.assertNotContains(page, 'name="status"')
        response = self.client.post(
            url,
            {
                "unit": self.district.pk,
                "author": self.owner.pk,
                "title": "Thông báo",
                "body": "Nội dung",
                "status": Post.Status.APPROVED,
            },
        )
        self.assertEqual(response.status_code, 403)
        self.post.refresh_from_db()
        self.assertEqual(self.post.status, Post.Status.PUBLISHED)

    def test_posts_are_neither_added_nor_deleted_here(self) -> None:
        self.assertEqual(self.client.get("/admin/content/post/add/").status_code, 403)
        url = f"/admin/content/post/{self.post.pk}/delete/"
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 403)
        self.assertTrue(Post.objects.filter(pk=self.post.pk).exists())

    def test_a_delivery_is_shown_but_not_changed(self) -> None:
        url = f"/admin/publishing/delivery/{self.delivery.pk}/change/"
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(url, {"status": Delivery.Status.PENDING})
        self.assertEqual(response.status_code, 403)
        self.delivery.refresh_from_db()
        self.assertEqual(self.delivery.status, Delivery.Status.PUBLISHED)
