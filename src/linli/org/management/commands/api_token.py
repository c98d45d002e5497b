from django.core.management.base import BaseCommand, CommandError

from linli.org import services
from linli.org.models import ApiToken, Person


class Command(BaseCommand):
    help = "Create, list or revoke API tokens: linli api-token create USERNAME [--name N]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="print a new token for USERNAME")
        create.add_argument("username")
        create.add_argument("--name", default="cli")
        lst = sub.add_parser("list")
        lst.add_argument("username")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **opts):
        if action == "revoke":
            tokens = list(ApiToken.objects.filter(prefix=opts["prefix"], revoked_at__isnull=True))
            if len(tokens) != 1:
                raise CommandError(f"no single active token with prefix {opts['prefix']}")
            services.api_token_revoke(token=tokens[0], by=None)
            self.stdout.write(f"revoked {tokens[0].prefix}")
            return
        try:
            person = Person.objects.get(username=opts["username"])
        except Person.DoesNotExist as exc:
            raise CommandError(f"no user {opts['username']!r}") from exc
        if action == "create":
            _token, raw = services.api_token_create(person=person, name=opts["name"], by=None)
            self.stdout.write(raw)
        else:
            for t in person.api_tokens.all():
                state = "revoked" if t.revoked_at else "active"
                self.stdout.write(f"{t.prefix}\t{state}\t{t.name}\t{t.created_at:%Y-%m-%d %H:%M}")
