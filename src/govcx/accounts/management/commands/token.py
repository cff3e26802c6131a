"""govcx token create USERNAME NAME | govcx token revoke PREFIX"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from govcx.accounts.models import ApiToken, User
from govcx.accounts.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Create an API token for a user (the secret is printed once) or revoke one by its prefix."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("name")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")

    def handle(self, *args, action: str, **options) -> None:
        if action == "create":
            user = User.objects.filter(username=options["username"], is_active=True).first()
            if user is None:
                raise CommandError(f"no active user {options['username']!r}")
            token, secret = api_token_create(user=user, name=options["name"])
            self.stdout.write(f"token {token.prefix}… for {user.username}; secret (shown once):\n{secret}")
            return
        token = ApiToken.objects.filter(prefix=options["prefix"], revoked_at__isnull=True).first()
        if token is None:
            raise CommandError(f"no active token with prefix {options['prefix']!r}")
        api_token_revoke(token=token, actor=token.user)
        self.stdout.write(f"revoked {token.prefix}…")
