from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from avrr.api_keys import api_key_create
from avrr.models import Organisation


class Command(BaseCommand):
    help = "Create an API key for an organisation (NGO or ministry) and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organisation", help="the organisation's code, e.g. ASM")
        parser.add_argument("name", help="the tool that will use the key")

    def handle(self, *args: Any, organisation: str, name: str, **options: Any) -> None:
        found = Organisation.objects.filter(code=organisation.upper(), is_active=True).first()
        if found is None:
            raise CommandError(f"No active organisation with code {organisation!r}.")
        try:
            api_key, raw_key = api_key_create(actor=None, organisation=found, name=name)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"API key for {found.name} ({api_key.name}), shown only now:")
        self.stdout.write(raw_key)
        self.stdout.write("Send it as the header:  Authorization: Api-Key <key>")
