"""Write the API's OpenAPI schema to openapi.yaml (`make openapi`), or check it is current."""

import json
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shop.api.main import api


def schema_as_yaml() -> str:
    # Through JSON: the keys as the schema served at /api/v1/schema/ has them (strings).
    schema = json.loads(json.dumps(api.get_openapi_schema()))
    return yaml.safe_dump(schema, sort_keys=False, allow_unicode=True, width=100)


class Command(BaseCommand):
    help = "Write the API's OpenAPI schema to openapi.yaml (--check: fail if it differs)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check=False, **options):
        path = Path(settings.BASE_DIR) / "openapi.yaml"
        text = schema_as_yaml()
        if check:
            if not path.exists() or yaml.safe_load(path.read_text()) != yaml.safe_load(text):
                raise CommandError("openapi.yaml is out of date: run `make openapi`")
            self.stdout.write("openapi.yaml is current.")
            return
        path.write_text(text)
        self.stdout.write(f"Wrote {path.name}.")
