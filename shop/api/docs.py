"""The API's documentation page (/api/v1/docs/): every operation, its parameters, body and
answers, read from the OpenAPI schema and shown in the shop's own accessible layout."""

from __future__ import annotations

import functools
import json
import re

from django.shortcuts import render


def _type(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(_type(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}))}"
    return str(schema.get("type", "any"))


def _text(text: str) -> list[str]:
    """Markdown-light paragraphs: emphasis and code marks dropped, lines joined."""
    plain = re.sub(r"\*\*|`", "", text or "")
    return [" ".join(p.split()) for p in plain.split("\n\n") if p.strip()]


def _fields(schema: dict, components: dict) -> list[dict]:
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": _type(field),
            "required": name in required,
            "description": field.get("description", ""),
        }
        for name, field in schema.get("properties", {}).items()
    ]


@functools.cache
def _sections() -> tuple[dict, list[dict]]:
    from shop.api.main import api

    schema = json.loads(json.dumps(api.get_openapi_schema()))
    components = schema.get("components", {}).get("schemas", {})
    sections: dict[str, list[dict]] = {}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            sections.setdefault(operation.get("tags", ["api"])[0], []).append(
                {
                    "id": operation["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": _text(operation.get("description", "")),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "type": _type(p.get("schema", {})),
                            "required": p.get("required", False),
                            "description": p.get("schema", {}).get("description", "")
                            or p.get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": _fields(body["schema"], components) if body else [],
                    "answers": [
                        {"status": status, "type": _answer_type(answer)}
                        for status, answer in operation["responses"].items()
                    ],
                }
            )
    info = {**schema["info"], "description": _text(schema["info"].get("description", ""))}
    return info, [{"tag": tag, "operations": ops} for tag, ops in sections.items()]


def _answer_type(answer: dict) -> str:
    content = answer.get("content", {}).get("application/json")
    return _type(content["schema"]) if content else "no body"


def docs(request):
    info, sections = _sections()
    return render(request, "api/docs.html", {"info": info, "sections": sections})
