from typing import Any

from django.core.management.base import BaseCommand

from avrr.demo import demo_loaders, demo_seed


class Command(BaseCommand):
    help = "Load demo organisations, one demo user per role and each app's demo records."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_seed()
        summaries = [loader() for loader in demo_loaders()]
        self.stdout.write(self.style.SUCCESS("Demo users (new passwords at every run):"))
        self.stdout.write(
            "  Admins, supervisors and reintegration officers also give a code: add their"
            " two-step key to an authenticator application, or use a recovery code (once each)."
        )
        for login in logins:
            self.stdout.write(
                f"  {login.role.value:<22} {login.username:<22} {login.password}"
                f"   ({login.organisation})"
            )
            if login.totp_key:
                self.stdout.write(f"  {'':<22} two-step key: {login.totp_key}")
                self.stdout.write(f"  {'':<22} recovery codes: {' '.join(login.recovery_codes)}")
        for summary in summaries:
            self.stdout.write(summary)
