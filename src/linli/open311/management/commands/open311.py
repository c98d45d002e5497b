from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from linli.open311.models import Open311Key
from linli.org.models import Node


class Command(BaseCommand):
    help = "Manage Open311 api_keys: linli open311 key create NAME [--jurisdiction CODE] | key list | key revoke PREFIX"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        key = sub.add_parser("key")
        ksub = key.add_subparsers(dest="action", required=True)
        create = ksub.add_parser("create")
        create.add_argument("name")
        create.add_argument("--jurisdiction", default=None, help="compound or community code")
        ksub.add_parser("list")
        revoke = ksub.add_parser("revoke")
        revoke.add_argument("prefix")

    def handle(self, *args, what, action, **opts):
        if action == "create":
            jurisdiction = None
            if opts["jurisdiction"]:
                jurisdiction = Node.objects.filter(code=opts["jurisdiction"]).first()
                if jurisdiction is None:
                    raise CommandError(f"no place with code {opts['jurisdiction']!r}")
            _key, raw = Open311Key.issue(name=opts["name"], jurisdiction=jurisdiction)
            self.stdout.write(raw)
        elif action == "list":
            for k in Open311Key.objects.all():
                state = "revoked" if k.revoked_at else "active"
                self.stdout.write(f"{k.prefix}\t{state}\t{k.name}\t{k.jurisdiction.code if k.jurisdiction else '*'}")
        else:
            n = Open311Key.objects.filter(prefix=opts["prefix"], revoked_at__isnull=True).update(revoked_at=timezone.now())
            if n != 1:
                raise CommandError(f"no single active key with prefix {opts['prefix']}")
            self.stdout.write(f"revoked {opts['prefix']}")
