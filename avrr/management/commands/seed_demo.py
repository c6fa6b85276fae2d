from typing import Any

from django.core.management.base import BaseCommand

from avrr.demo import demo_loaders, demo_seed


class Command(BaseCommand):
    help = "Load demo organisations and one demo user per role; print their passwords."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_seed()
        for loader in demo_loaders():
            self.stdout.write(loader())
        self.stdout.write(self.style.SUCCESS("Demo users (new passwords at every run):"))
        for login in logins:
            self.stdout.write(
                f"  {login.role.value:<22} {login.username:<22} {login.password}"
                f"   ({login.organisation})"
            )
